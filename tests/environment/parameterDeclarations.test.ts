/** Environment.parameterDeclarations(): the compiled definition's parameters and defaults, without compiling it. */
import { strict as assert } from "node:assert";
import { loadStackConfigFile } from "../../automation/environment";
import { declarationsOf } from "../../pipeline/parameters";
import { REPO_ROOT } from "../harness/pulumiMocks";
import { World } from "../cli/fakes";

describe("environment: parameter declarations without a compile", () => {
  const world = new World();
  after(() => world.cleanup());

  for (const name of ["local", "dev", "prod"]) {
    it(`${name}: the same names, types, defaults and allowed values as the compiled definition (ChampionModelUrl's default, which names the code bundle, aside)`, () => {
      const environment = world.deps().openEnvironment(name);
      try {
        const compiled = declarationsOf(environment.compiledPipeline().definition as Parameters<typeof declarationsOf>[0]);
        const cheap = environment.parameterDeclarations();
        const champion = compiled.find((d) => d.name === "ChampionModelUrl")!;
        assert.match(champion.defaultValue!, /^s3:\/\/.*\/code\/[0-9a-f]{64}\/src\/no_champion\.json$/);
        const { defaultValue: _bundle, ...withoutDefault } = champion;
        assert.deepEqual(cheap, compiled.map((d) => (d.name === "ChampionModelUrl" ? withoutDefault : d)));
      } finally {
        environment.close();
      }
    });
  }

  it("an environment's own settings are its defaults (prod's instance types are not dev's)", () => {
    const defaultOf = (env: string, parameter: string) => {
      const environment = world.deps().openEnvironment(env);
      try {
        return environment.parameterDeclarations().find((d) => d.name === parameter)?.defaultValue;
      } finally {
        environment.close();
      }
    };
    for (const env of ["dev", "prod"]) assert.equal(defaultOf(env, "TrainingInstanceType"), loadStackConfigFile(REPO_ROOT, env).pipeline.trainingInstanceType, env);
    assert.notEqual(defaultOf("dev", "TrainingInstanceType"), defaultOf("prod", "TrainingInstanceType"), "the committed configs differ here");
  });
});
