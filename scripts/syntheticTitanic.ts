/**
 * Synthetic Titanic-shaped data for `npm run bench:scale` (docs/scaling.md): the Kaggle `train.csv`
 * columns with distributions close to the real file's (class, sex, title, age with ~20 % missing,
 * family, fare by class, cabin mostly for first class, port) and a survival that depends on sex, class,
 * age and family as in the real data, so the model has something to learn. Seeded: the same
 * (rows, seed) gives byte-identical CSV on every platform and Node version.
 */
import { seededRandom } from "../automation/data/split";

export const SYNTHETIC_HEADER = "PassengerId,Survived,Pclass,Name,Sex,Age,SibSp,Parch,Ticket,Fare,Cabin,Embarked";

const SURNAMES = ["Smith", "Andersson", "Brown", "Kelly", "Sage", "Johnson", "Goodwin", "Carter", "Panula", "Skoog", "Rice", "Asplund", "Fortune", "Baclini", "Harper", "Williams"];
const MALE_NAMES = ["John", "William", "Charles", "George", "Thomas", "James", "Frederick", "Albert", "Arthur", "Edward"];
const FEMALE_NAMES = ["Mary", "Anna", "Elizabeth", "Margaret", "Helen", "Alice", "Ellen", "Bertha", "Emily", "Maria"];
const DECKS = ["A", "B", "C", "D", "E", "F"];

function pick<T>(items: readonly T[], next: () => number): T {
  return items[Math.floor(next() * items.length)]!;
}

/** One passenger row (no line end), with `id` as PassengerId. */
function passenger(id: number, next: () => number): string {
  const u = next();
  const pclass = u < 0.24 ? 1 : u < 0.45 ? 2 : 3;
  const male = next() < 0.65;
  // Age: roughly normal around 30 (sum of uniforms), children more common in third class.
  const child = next() < (pclass === 3 ? 0.12 : 0.06);
  const age = child ? 1 + Math.floor(next() * 13) : Math.min(80, Math.max(14, Math.round(30 + (next() + next() + next() - 1.5) * 24)));
  const ageKnown = next() >= 0.2;
  const sibsp = next() < 0.68 ? 0 : next() < 0.75 ? 1 : 2 + Math.floor(next() * 3);
  const parch = child ? 1 + Math.floor(next() * 2) : next() < 0.76 ? 0 : 1 + Math.floor(next() * 2);
  const title = male ? (child ? "Master" : "Mr") : child || next() < 0.35 ? "Miss" : "Mrs";
  const given = pick(male ? MALE_NAMES : FEMALE_NAMES, next);
  const name = `"${pick(SURNAMES, next)}, ${title}. ${given}"`;
  const baseFare = pclass === 1 ? 60 : pclass === 2 ? 20 : 8;
  const fare = (baseFare * (0.5 + next() * 1.5) * (1 + 0.3 * (sibsp + parch))).toFixed(4).replace(/\.?0+$/, "");
  const cabin = next() < (pclass === 1 ? 0.8 : pclass === 2 ? 0.1 : 0.03) ? `${pick(DECKS, next)}${1 + Math.floor(next() * 120)}` : "";
  const e = next();
  const embarked = e < 0.72 ? "S" : e < 0.91 ? "C" : e < 0.998 ? "Q" : "";
  // Survival as in the real data: women and children first, by class, large families worse.
  const family = sibsp + parch;
  const logit = (male ? -1.3 : 1.3) + (pclass === 1 ? 0.9 : pclass === 2 ? 0.2 : -0.8) + (child ? 1.4 : 0) - (age > 50 ? 0.4 : 0) - (family > 3 ? 1.2 : 0);
  const survived = next() < 1 / (1 + Math.exp(-logit)) ? 1 : 0;
  const ticket = `${pclass === 1 ? "PC " : ""}${100000 + Math.floor(next() * 900000)}`;
  return `${id},${survived},${pclass},${name},${male ? "male" : "female"},${ageKnown ? age : ""},${sibsp},${parch},${ticket},${fare},${cabin},${embarked}`;
}

/** `rows` synthetic passengers as a Kaggle-schema CSV (header, LF line ends). */
export function syntheticTitanicCsv(rows: number, seed = 1912): Buffer {
  if (!Number.isInteger(rows) || rows < 1) throw new RangeError(`rows must be a positive integer, not ${rows}`);
  const next = seededRandom(seed);
  const chunks: Buffer[] = [Buffer.from(`${SYNTHETIC_HEADER}\n`)];
  const CHUNK_ROWS = 50_000;
  for (let start = 0; start < rows; start += CHUNK_ROWS) {
    const lines: string[] = [];
    for (let id = start + 1; id <= Math.min(rows, start + CHUNK_ROWS); id++) lines.push(passenger(id, next));
    chunks.push(Buffer.from(`${lines.join("\n")}\n`));
  }
  return Buffer.concat(chunks);
}
