/**
 * The documentation stays true to the code: every command and flag that the real CLI's `--help` shows is
 * documented in docs/cli.md (each in its own command's section), every relative link and `#anchor` in
 * README.md and docs/*.md resolves to a file in the repository (anchors by GitHub's heading slugs), every
 * `docs/...` a code comment cites exists (page, #anchor, §N), every docs/ page is reachable from the README,
 * and the README stays short.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { main } from "../../automation/cli/main";
import { World } from "../cli/fakes";

const REPO_ROOT = path.resolve(__dirname, "..", "..");
/** The CLI's entry point, run exactly as `npm run automate` runs it. */
const README = path.join(REPO_ROOT, "README.md");
const DOCS = path.join(REPO_ROOT, "docs");
const CLI_DOC = path.join(DOCS, "cli.md");
const MAX_README_LINES = 160;
/** Help processes at once: each is CPU-bound (ts-node transpiles the CLI's modules), so one per core. */
const HELP_CONCURRENCY = 4;
/** Flags every command has; documented once for the whole CLI. */
const GLOBAL_FLAGS: ReadonlySet<string> = new Set(["--help", "-h"]);

// ---------------------------------------------------------------------------------------------------
// Markdown: lines outside code, headings, GitHub slugs, links
// ---------------------------------------------------------------------------------------------------

interface MarkdownLine {
  /** 1-based line number in the file. */
  readonly number: number;
  readonly text: string;
}

/** The lines of a Markdown file that are not inside a fenced code block (fences included, as blank). */
function proseLines(markdown: string): MarkdownLine[] {
  const lines: MarkdownLine[] = [];
  let fence: string | undefined;
  markdown.split(/\r?\n/).forEach((text, index) => {
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(text)?.[1];
    if (fence === undefined && marker !== undefined) {
      fence = marker;
      lines.push({ number: index + 1, text: "" });
    } else if (fence !== undefined) {
      if (marker !== undefined && marker[0] === fence[0] && marker.length >= fence.length && text.trim() === marker) fence = undefined;
      lines.push({ number: index + 1, text: "" });
    } else {
      lines.push({ number: index + 1, text });
    }
  });
  return lines;
}

interface Heading {
  readonly level: number;
  /** The heading's Markdown source, without the leading #s. */
  readonly text: string;
  /** Index into the prose lines. */
  readonly index: number;
}

function headingsOf(lines: readonly MarkdownLine[]): Heading[] {
  const headings: Heading[] = [];
  lines.forEach((line, index) => {
    const match = /^ {0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$/.exec(line.text);
    if (match) headings.push({ level: match[1]!.length, text: match[2]!, index });
  });
  return headings;
}

/** GitHub's anchor for a heading (github-slugger on the rendered text): lowercase, punctuation dropped, spaces to hyphens. */
function slug(headingSource: string): string {
  const rendered = headingSource
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/<[^>]+>/g, "")
    .replace(/`/g, "");
  return rendered
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
    .replace(/ /g, "-");
}

/** Every anchor a Markdown file offers: heading slugs (numbered like GitHub's for duplicates) and explicit ids. */
function anchorsOf(markdown: string): Set<string> {
  const lines = proseLines(markdown);
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const heading of headingsOf(lines)) {
    const base = slug(heading.text);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  for (const line of lines) {
    for (const match of line.text.matchAll(/<[a-z]+\s[^>]*\b(?:id|name)="([^"]+)"/gi)) anchors.add(match[1]!);
  }
  return anchors;
}

interface Link {
  readonly line: number;
  readonly target: string;
}

/** Links of a Markdown file outside code: inline links and images, reference definitions, HTML href/src. */
function linksOf(markdown: string): Link[] {
  const links: Link[] = [];
  for (const line of proseLines(markdown)) {
    const text = line.text.replace(/(`+)[\s\S]*?\1/g, "");
    for (const match of text.matchAll(/!?\[(?:[^[\]]|\[[^\]]*\])*\]\(\s*(<[^>]*>|[^\s)]+)(?:\s+(?:"[^"]*"|'[^']*'))?\s*\)/g)) {
      links.push({ line: line.number, target: match[1]!.replace(/^<|>$/g, "") });
    }
    const definition = /^ {0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)/.exec(text);
    if (definition) links.push({ line: line.number, target: definition[1]!.replace(/^<|>$/g, "") });
    for (const match of text.matchAll(/<[a-z]+\s[^>]*\b(?:href|src)="([^"]+)"/gi)) links.push({ line: line.number, target: match[1]! });
  }
  return links;
}

const isExternal = (target: string) => /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith("//");

/** The paths git ignores (so they would not exist in a clone), in one `git check-ignore`; none when git cannot tell. */
function gitIgnored(absolutePaths: readonly string[]): Set<string> {
  if (absolutePaths.length === 0) return new Set();
  const result = spawnSync("git", ["check-ignore", "--stdin"], { cwd: REPO_ROOT, input: absolutePaths.join("\n"), encoding: "utf8" });
  if (result.status !== 0) return new Set(); // 1: nothing ignored; 128: not a git checkout
  return new Set(result.stdout.split("\n").filter((line) => line !== "").map((line) => path.resolve(REPO_ROOT, line)));
}

interface ResolvedLink {
  readonly source: string;
  readonly link: Link;
  /** Absolute path of the target file or folder. */
  readonly resolved: string;
  /** The decoded fragment, "" when there is none. */
  readonly anchor: string;
}

function resolveLink(source: string, link: Link): ResolvedLink {
  const hash = link.target.indexOf("#");
  const pathPart = decodeURIComponent(hash === -1 ? link.target : link.target.slice(0, hash));
  const anchor = hash === -1 ? "" : decodeURIComponent(link.target.slice(hash + 1));
  const resolved = pathPart === "" ? source : pathPart.startsWith("/") ? path.join(REPO_ROOT, pathPart) : path.resolve(path.dirname(source), pathPart);
  return { source, link, resolved, anchor };
}

/** What is wrong with one relative link, or undefined when it resolves. */
function brokenLink(target: ResolvedLink, ignored: ReadonlySet<string>, anchorCache: Map<string, Set<string>>): string | undefined {
  const relative = path.relative(REPO_ROOT, target.resolved);
  if (relative.startsWith("..") || path.isAbsolute(relative)) return "points outside the repository";
  if (!fs.existsSync(target.resolved)) return `${relative || "."} does not exist`;
  if (ignored.has(target.resolved)) return `${relative} is git-ignored, so it is not in a clone`;
  if (target.anchor === "" || !target.resolved.endsWith(".md") || !fs.statSync(target.resolved).isFile()) return undefined;
  let anchors = anchorCache.get(target.resolved);
  if (!anchors) {
    anchors = anchorsOf(fs.readFileSync(target.resolved, "utf8"));
    anchorCache.set(target.resolved, anchors);
  }
  return anchors.has(target.anchor) ? undefined : `${relative} has no heading with the anchor #${target.anchor}`;
}

/** Folders whose comments may cite docs/ (the code, its tests, scripts, the example, the workflow). */
const CITING_FOLDERS = ["pipeline", "stack", "infra", "policy", "automation", "training", "tests", "scripts", "examples", ".github"];
const CITING_EXTENSIONS = /\.(ts|py|sh|ya?ml|ini)$/;
const SKIPPED_FOLDERS: ReadonlySet<string> = new Set(["node_modules", "__pycache__", ".venv", ".pytest_cache", ".mypy_cache"]);

interface Citation {
  readonly source: string;
  readonly line: number;
  readonly text: string;
  /** e.g. "architecture.md" */
  readonly page: string;
  readonly anchor?: string;
  /** "4" in "docs/architecture.md §4". */
  readonly section?: string;
}

/** Every `docs/<page>.md[#anchor][ §N]` in the files of CITING_FOLDERS (this test excluded). */
function citationsInCode(): Citation[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (SKIPPED_FOLDERS.has(entry.name)) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (CITING_EXTENSIONS.test(entry.name) && full !== __filename) files.push(full);
    }
  };
  for (const folder of CITING_FOLDERS) if (fs.existsSync(path.join(REPO_ROOT, folder))) walk(path.join(REPO_ROOT, folder));
  const citations: Citation[] = [];
  for (const file of files.sort()) {
    fs.readFileSync(file, "utf8")
      .split("\n")
      .forEach((text, index) => {
        for (const match of text.matchAll(/(?<![\w/.-])docs\/([a-z0-9-]+\.md)(?:#([a-z0-9-]+))?(?:,? §(\d+))?/g)) {
          citations.push({
            source: path.relative(REPO_ROOT, file),
            line: index + 1,
            text: match[0],
            page: match[1]!,
            ...(match[2] ? { anchor: match[2] } : {}),
            ...(match[3] ? { section: match[3] } : {}),
          });
        }
      });
  }
  return citations;
}

const markdownFiles = (): string[] => [
  README,
  ...fs
    .readdirSync(DOCS)
    .filter((name) => name.endsWith(".md"))
    .sort()
    .map((name) => path.join(DOCS, name)),
];

// ---------------------------------------------------------------------------------------------------
// The CLI's help, from commander's output
// ---------------------------------------------------------------------------------------------------

interface HelpPage {
  /** The command path, e.g. [] (top level), ["up"], ["models", "promote"]. */
  readonly path: readonly string[];
  readonly commands: readonly string[];
  readonly flags: readonly string[];
}

/** Command names as commander prints them (never an option). */
const COMMAND_NAME = /^[a-z][a-z0-9-]*$/;

/**
 * The subcommands and flags in one commander help text: the entries of its "Commands:" and "Options:"
 * sections. A section ends at the next line that is not indented (another heading, or text a program
 * adds with addHelpText, such as "With no command, up runs; its options:"), so nothing else is read.
 */
function parseHelp(text: string): { commands: string[]; flags: string[] } {
  const sections = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === "") continue;
    if (!line.startsWith(" ")) {
      const header = /^(Commands|Options):$/.exec(line.trimEnd());
      current = header ? [] : undefined;
      if (header) sections.set(header[1]!, current!);
    } else if (current && /^ {2}\S/.test(line)) {
      // An entry: its term, then two or more spaces, then the description (continuation lines are indented further).
      current.push(line.trim().split(/\s{2,}/)[0]!);
    }
  }
  const commands = (sections.get("Commands") ?? []).map((term) => term.split(/[\s|]/)[0]!).filter((name) => COMMAND_NAME.test(name) && name !== "help");
  const flags = (sections.get("Options") ?? []).flatMap((term) => {
    const long = term.match(/--[A-Za-z0-9][\w-]*/g);
    return long ?? term.match(/-[A-Za-z0-9]/g) ?? [];
  });
  return { commands, flags };
}

/**
 * `npm run automate -- <path> --help`, through the CLI's own `main` (what automate.ts runs) in this
 * process: the same commander program and text, without starting a Node process per page.
 */
async function helpText(commandPath: readonly string[]): Promise<string> {
  const world = new World();
  try {
    const code = await main([...commandPath, "--help"], world.deps());
    const stdout = world.stdout.join("");
    const command = ["automate", ...commandPath, "--help"].join(" ");
    if (code !== 0) throw new Error(`${command} exited ${code}:\n${world.stderr.join("\n")}${stdout}`);
    if (!stdout.includes("Usage:")) throw new Error(`${command} printed no usage:\n${stdout}${world.stderr.join("\n")}`);
    return stdout;
  } finally {
    world.cleanup();
  }
}

/** Guards against a help format the parser misreads: the CLI is two levels deep and has about a dozen commands. */
const MAX_DEPTH = 3;
const MAX_PAGES = 60;

/** Every help page, breadth first from the top level, at most `concurrency` processes at once. */
function crawlHelp(concurrency: number): Promise<HelpPage[]> {
  return new Promise((resolve, reject) => {
    const pages: HelpPage[] = [];
    const queue: (readonly string[])[] = [[]];
    let running = 0;
    let failed = false;
    const pump = (): void => {
      if (failed) return;
      if (queue.length === 0 && running === 0) {
        resolve(pages);
        return;
      }
      while (running < concurrency && queue.length > 0) {
        const commandPath = queue.shift()!;
        running += 1;
        helpText(commandPath).then(
          (text) => {
            running -= 1;
            const parsed = parseHelp(text);
            pages.push({ path: commandPath, ...parsed });
            const found = parsed.commands.map((sub) => [...commandPath, sub]);
            const tooDeep = found.find((sub) => sub.length > MAX_DEPTH);
            if (tooDeep || pages.length + queue.length + running + found.length > MAX_PAGES) {
              failed = true;
              reject(new Error(`the help of "${commandPath.join(" ") || "(top level)"}" lists ${JSON.stringify(parsed.commands)}: more commands than the CLI can have; is the help parsed right?`));
              return;
            }
            queue.push(...found);
            pump();
          },
          (error: Error) => {
            failed = true;
            reject(error);
          },
        );
      }
    };
    pump();
  });
}

/**
 * docs/cli.md's section of each command: from the heading whose first code span is the command path
 * (e.g. "### `models promote`") to the next heading that is at the same or a higher level or is another
 * command's heading.
 */
function commandSections(markdown: string): Map<string, { readonly text: string; readonly line: number }> {
  const lines = proseLines(markdown);
  const headings = headingsOf(lines);
  const commandOf = (heading: Heading) => /^`([^`]+)`/.exec(heading.text)?.[1];
  const sections = new Map<string, { text: string; line: number }>();
  headings.forEach((heading, i) => {
    const command = commandOf(heading);
    if (command === undefined) return;
    const end = headings.slice(i + 1).find((next) => next.level <= heading.level || commandOf(next) !== undefined);
    const text = lines
      .slice(heading.index, end ? end.index : lines.length)
      .map((line) => line.text)
      .join("\n");
    sections.set(command, { text, line: lines[heading.index]!.number });
  });
  return sections;
}

/** Whether `text` mentions `flag` as a whole flag (`--env` is not found in `--environment`). */
const mentions = (text: string, flag: string) => new RegExp(`(^|[^\\w-])${flag.replace(/[-]/g, "\\-")}(?![\\w-])`).test(text);

// ---------------------------------------------------------------------------------------------------

describe("docs: the CLI reference covers the real CLI", function () {
  let pages: HelpPage[] = [];
  let cliDoc = "";

  before(async function () {
    this.timeout(60_000);
    cliDoc = fs.readFileSync(CLI_DOC, "utf8");
    pages = await crawlHelp(HELP_CONCURRENCY);
  });

  it("reads the help of the top level and of every command and subcommand", () => {
    const top = pages.find((page) => page.path.length === 0);
    assert.ok(top, "the top-level help was read");
    assert.ok(top.commands.length >= 3, `the top-level help lists the commands (parsed: ${top.commands.join(", ")})`);
    for (const page of pages) {
      assert.ok(page.flags.includes("--help"), `the help of "${page.path.join(" ") || "(top level)"}" was parsed (no --help found)`);
    }
    assert.ok(
      pages.some((page) => page.path.length === 2),
      "subcommands (e.g. models list) were reached",
    );
  });

  it("documents every command in its own section of docs/cli.md", () => {
    const sections = commandSections(cliDoc);
    const missing = pages.filter((page) => page.path.length > 0 && !sections.has(page.path.join(" "))).map((page) => page.path.join(" "));
    assert.deepEqual(missing, [], `docs/cli.md needs a heading "\`<command>\`" for: ${missing.join(", ")}`);
  });

  it("documents every flag of every command in that command's section (or its parent command's)", () => {
    const sections = commandSections(cliDoc);
    const missing: string[] = [];
    for (const page of pages) {
      for (const flag of page.flags) {
        if (GLOBAL_FLAGS.has(flag)) continue;
        // The command's own section, then its parent commands' sections (flags shared by subcommands).
        const candidates = page.path.map((_, i) => sections.get(page.path.slice(0, page.path.length - i).join(" "))?.text ?? "");
        if (!candidates.some((text) => mentions(text, flag))) missing.push(`${page.path.join(" ") || "(top level)"} ${flag}`);
      }
    }
    assert.deepEqual(missing, [], `flags missing from docs/cli.md: ${missing.join("; ")}`);
  });

  it("documents --help", () => {
    assert.ok(mentions(cliDoc, "--help"), "docs/cli.md mentions --help");
  });

  it("has no section for a command the CLI does not have", () => {
    const real = new Set(pages.map((page) => page.path.join(" ")));
    const stale = [...commandSections(cliDoc)]
      .filter(([command]) => /^[a-z][a-z-]*( [a-z][a-z-]*)*$/.test(command) && !real.has(command))
      .map(([command, section]) => `${command} (line ${section.line})`);
    assert.deepEqual(stale, [], `docs/cli.md documents commands the CLI does not have: ${stale.join(", ")}`);
  });
});

describe("docs: links", () => {
  it("resolves every relative link and #anchor in README.md and docs/*.md", () => {
    const links = markdownFiles().flatMap((file) =>
      linksOf(fs.readFileSync(file, "utf8"))
        .filter((link) => !isExternal(link.target))
        .map((link) => resolveLink(file, link)),
    );
    const inRepo = (file: string) => !path.relative(REPO_ROOT, file).startsWith("..") && fs.existsSync(file);
    const ignored = gitIgnored([...new Set(links.map((link) => link.resolved))].filter(inRepo));
    const anchorCache = new Map<string, Set<string>>();
    const broken = links.flatMap((link) => {
      const problem = brokenLink(link, ignored, anchorCache);
      return problem ? [`${path.relative(REPO_ROOT, link.source)}:${link.link.line}: (${link.link.target}) ${problem}`] : [];
    });
    assert.ok(links.length > 20, `relative links were found (${links.length})`);
    assert.deepEqual(broken, [], `broken links:\n${broken.join("\n")}`);
  });

  it("resolves every docs/ page, #anchor and § that a code comment cites", () => {
    const cited = citationsInCode();
    const anchorCache = new Map<string, Set<string>>();
    const anchors = (file: string) => {
      let found = anchorCache.get(file);
      if (!found) {
        found = anchorsOf(fs.readFileSync(file, "utf8"));
        anchorCache.set(file, found);
      }
      return found;
    };
    const broken = cited.flatMap((citation) => {
      const file = path.join(DOCS, citation.page);
      const where = `${citation.source}:${citation.line}: ${citation.text}`;
      if (!fs.existsSync(file)) return [`${where}: docs/${citation.page} does not exist`];
      if (citation.anchor && !anchors(file).has(citation.anchor)) return [`${where}: no heading with the anchor #${citation.anchor}`];
      if (citation.section && ![...anchors(file)].some((anchor) => anchor.startsWith(`${citation.section}-`))) return [`${where}: no section ${citation.section}`];
      return [];
    });
    assert.ok(cited.length > 5, `citations of docs/ were found in the code (${cited.length})`);
    assert.deepEqual(broken, [], `citations of docs/ that do not resolve:\n${broken.join("\n")}`);
  });

  it("links every docs/ page from README.md", () => {
    const readme = fs.readFileSync(README, "utf8");
    const linked = new Set(
      linksOf(readme)
        .filter((link) => !isExternal(link.target))
        .map((link) => path.resolve(REPO_ROOT, decodeURIComponent(link.target.split("#")[0]!))),
    );
    const orphans = markdownFiles()
      .filter((file) => file !== README && !linked.has(file))
      .map((file) => path.relative(REPO_ROOT, file));
    assert.deepEqual(orphans, [], `docs pages not linked from README.md: ${orphans.join(", ")}`);
  });

  it("computes GitHub's anchors and finds links the way GitHub renders them", () => {
    assert.equal(slug("2. The CLI"), "2-the-cli");
    assert.equal(slug("`.ci/run`: the tests on a fresh clone"), "cirun-the-tests-on-a-fresh-clone");
    assert.equal(slug("Tags and `defaultTags`"), "tags-and-defaulttags");
    assert.equal(slug("`up` (default)"), "up-default");
    assert.equal(slug("What each version records, and where"), "what-each-version-records-and-where");
    assert.deepEqual([...anchorsOf("# A\n## A\n```\n# not a heading\n```\n")], ["a", "a-1"]);
    assert.deepEqual(
      linksOf("[a](x.md) `[b](y.md)` [c](<z w.md#q> \"t\")\n```\n[d](code.md)\n```\n[e]: ref.md\n").map((link) => link.target),
      ["x.md", "z w.md#q", "ref.md"],
    );
  });
});

describe("docs: README.md", () => {
  it(`has at most ${MAX_README_LINES} lines`, () => {
    const text = fs.readFileSync(README, "utf8");
    const lines = text.endsWith("\n") ? text.split("\n").length - 1 : text.split("\n").length;
    assert.ok(lines <= MAX_README_LINES, `README.md has ${lines} lines; move details into docs/`);
  });

  it("starts with the two quick-start commands", () => {
    const text = fs.readFileSync(README, "utf8");
    assert.match(text, /^npm ci && npm run automate\b/m);
    assert.match(text, /^npm ci && npm test\b/m);
  });
});

// The parsers above, on commander's own output format, so a failure points at the docs and not at parsing.
describe("docs: commander help parsing", () => {
  it("reads commands and flags, ignoring descriptions and the help command", () => {
    const parsed = parseHelp(
      [
        "Usage: npm run automate -- models [options] [command]",
        "",
        "list things: --not-a-flag here",
        "",
        "Options:",
        "  --env <name>       environment (default local)",
        "  -v, --verbose      say more, see also",
        "                     --also-not-a-flag",
        "  -q                 quiet",
        "  -h, --help         display help for command",
        "",
        "Commands:",
        "  list [options]     versions newest first",
        "  rm|remove <n>      remove",
        "  help [command]     display help for command",
        "",
        "With no command, list runs; its options:",
        "  --all                every version",
      ].join("\n"),
    );
    assert.deepEqual(parsed.commands, ["list", "rm"]);
    assert.deepEqual(parsed.flags, ["--env", "--verbose", "-q", "--help"]);
  });

  it("matches whole flags only", () => {
    assert.ok(mentions("use `--env <name>`", "--env"));
    assert.ok(!mentions("use `--environment`", "--env"));
    assert.ok(!mentions("use `--env-file`", "--env"));
  });
});
