/**
 * Finds every AWS API operation TypeScript sources can call through the AWS SDK v3, by reading them with
 * the TypeScript parser:
 *   - command classes imported (as values) from `@aws-sdk/client-*` and referenced (`new XCommand(...)`,
 *     or passed around): operation X;
 *   - paginators (`paginateX`): operation X; waiters (`waitUntilX`/`waitForX`): reported as `waiter:...`;
 *   - method calls on aggregated clients (`new SageMaker({}).startPipelineExecution(...)`): any `.x(` in a
 *     file that imports an aggregated client, when the package exports `XCommand`;
 *   - credential providers from `@aws-sdk/credential-providers` (`fromTemporaryCredentials` -> STS).
 *   - a lazy load that destructures named exports (`const { XCommand } = require("@aws-sdk/client-...")`,
 *     `as typeof import(...)` allowed, or `= await import(...)`): read like named imports.
 * Any other dynamic `require`/`import()` of an AWS SDK package (a namespace kept whole, a rest element, a
 * computed name) cannot be analysed and is an error, so nothing is silently skipped.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";

export interface SdkCall {
  /** IAM service prefix of the package (`@aws-sdk/client-sagemaker` -> `sagemaker`), or `credentials`. */
  readonly service: string;
  /** API operation (`StartPipelineExecution`), `waiter:<name>`, or the credential provider's name. */
  readonly operation: string;
  readonly file: string;
  readonly line: number;
}

const CLIENT_PREFIX = "@aws-sdk/client-";
const CREDENTIALS = "@aws-sdk/credential-providers";

export function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" ? [] : sourceFiles(full);
    return entry.isFile() && full.endsWith(".ts") && !full.endsWith(".d.ts") ? [full] : [];
  });
}

const exportsCache = new Map<string, ReadonlySet<string>>();
function exportsOf(moduleName: string): ReadonlySet<string> {
  if (!exportsCache.has(moduleName)) exportsCache.set(moduleName, new Set(Object.keys(require(moduleName) as object)));
  return exportsCache.get(moduleName)!;
}

const serviceOf = (moduleName: string) => (moduleName === CREDENTIALS ? "credentials" : moduleName.slice(CLIENT_PREFIX.length));
const isSdkModule = (name: string) => name.startsWith(CLIENT_PREFIX) || name === CREDENTIALS;

interface Imported {
  readonly moduleName: string;
  readonly name: string;
}

/** `require("@aws-sdk/…")` or `await import("@aws-sdk/…")` (through `as`, `!` and parentheses): the call and the module. */
function sdkLoad(expression: ts.Expression): { call: ts.CallExpression; text: string } | undefined {
  let e: ts.Expression = expression;
  while (ts.isAsExpression(e) || ts.isParenthesizedExpression(e) || ts.isNonNullExpression(e) || ts.isSatisfiesExpression(e)) e = e.expression;
  const awaited = ts.isAwaitExpression(e);
  if (ts.isAwaitExpression(e)) e = e.expression;
  if (!ts.isCallExpression(e)) return undefined;
  const isRequire = !awaited && ts.isIdentifier(e.expression) && e.expression.text === "require";
  const isImport = awaited && e.expression.kind === ts.SyntaxKind.ImportKeyword;
  const target = e.arguments[0];
  if (!(isRequire || isImport) || !target || !ts.isStringLiteral(target) || !isSdkModule(target.text)) return undefined;
  return { call: e, text: target.text };
}

export function scanFile(file: string, text: string = fs.readFileSync(file, "utf8")): SdkCall[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true, ts.ScriptKind.TS);
  const imports = new Map<string, Imported>(); // local name -> import
  const namespaces = new Map<string, string>(); // local namespace -> module
  const calls: SdkCall[] = [];
  const lineOf = (node: ts.Node) => source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
  const add = (moduleName: string, operation: string, node: ts.Node) => calls.push({ service: serviceOf(moduleName), operation, file, line: lineOf(node) });

  const reexported: { moduleName: string; name: string; node: ts.Node }[] = [];
  for (const statement of source.statements) {
    // `export { XCommand } from "@aws-sdk/client-..."`: another module may use it, so it counts as a call.
    if (ts.isExportDeclaration(statement) && statement.moduleSpecifier && ts.isStringLiteral(statement.moduleSpecifier) && isSdkModule(statement.moduleSpecifier.text)) {
      const moduleName = statement.moduleSpecifier.text;
      if (!statement.exportClause || !ts.isNamedExports(statement.exportClause)) throw new Error(`${file}:${lineOf(statement)}: export * from ${moduleName} cannot be analysed; re-export names`);
      if (!statement.isTypeOnly) {
        for (const element of statement.exportClause.elements) {
          if (!element.isTypeOnly) reexported.push({ moduleName, name: (element.propertyName ?? element.name).text, node: element });
        }
      }
      continue;
    }
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const moduleName = statement.moduleSpecifier.text;
    const clause = statement.importClause;
    if (!isSdkModule(moduleName) || !clause || clause.isTypeOnly) continue;
    if (clause.name) throw new Error(`${file}:${lineOf(statement)}: default import of ${moduleName} is not analysed; use named imports`);
    const bindings = clause.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings)) namespaces.set(bindings.name.text, moduleName);
    if (bindings && ts.isNamedImports(bindings)) {
      for (const element of bindings.elements) {
        if (!element.isTypeOnly) imports.set(element.name.text, { moduleName, name: (element.propertyName ?? element.name).text });
      }
    }
  }

  // Lazy loads that destructure named exports: their names are read like named imports (file-wide, so
  // a same-named local elsewhere in the file can only over-report, never hide a call).
  const analysedLoads = new Set<ts.Node>();
  const lazyLoads = (node: ts.Node): void => {
    if (ts.isVariableDeclaration(node) && node.initializer && ts.isObjectBindingPattern(node.name)) {
      const load = sdkLoad(node.initializer);
      if (load) {
        for (const element of node.name.elements) {
          const exported = element.propertyName ?? element.name;
          if (element.dotDotDotToken || !ts.isIdentifier(element.name) || !ts.isIdentifier(exported)) {
            throw new Error(`${file}:${lineOf(element)}: a rest or computed element of ${load.text} cannot be analysed; destructure each name`);
          }
          imports.set(element.name.text, { moduleName: load.text, name: exported.text });
        }
        analysedLoads.add(load.call);
      }
    }
    ts.forEachChild(node, lazyLoads);
  };
  lazyLoads(source);

  /** The import an identifier or `namespace.name` expression refers to. */
  const resolve = (node: ts.Node): Imported | undefined => {
    if (ts.isIdentifier(node)) return imports.get(node.text);
    if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression) && namespaces.has(node.expression.text)) {
      return { moduleName: namespaces.get(node.expression.text)!, name: node.name.text };
    }
    return undefined;
  };
  const aggregatedClients = new Set<string>(); // modules whose aggregated client class is used
  const referenced = new Set<string>(); // "module|name" of referenced imports

  const record = (imported: Imported, node: ts.Node): void => {
    const key = `${imported.moduleName}|${imported.name}`;
    if (referenced.has(key)) return;
    referenced.add(key);
    const { moduleName, name } = imported;
    if (moduleName === CREDENTIALS) {
      if (/^from[A-Z]/.test(name)) add(moduleName, name, node);
    } else if (name.endsWith("Command") && name !== "Command") {
      add(moduleName, name.slice(0, -"Command".length), node);
    } else if (/^paginate[A-Z]/.test(name)) {
      add(moduleName, name.slice("paginate".length), node);
    } else if (/^wait(Until|For)[A-Z]/.test(name)) {
      add(moduleName, `waiter:${name}`, node);
    } else if (!name.endsWith("Client") && exportsOf(moduleName).has(`${name}Client`)) {
      aggregatedClients.add(moduleName);
    }
  };
  for (const r of reexported) record(r, r.node);

  const visit = (node: ts.Node): void => {
    if (ts.isCallExpression(node) && (node.expression.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(node.expression) && node.expression.text === "require"))) {
      const target = node.arguments[0];
      if (target && ts.isStringLiteral(target) && target.text.startsWith("@aws-sdk/") && !analysedLoads.has(node)) {
        throw new Error(`${file}:${lineOf(node)}: dynamic import of ${target.text} cannot be analysed; import it statically`);
      }
    }
    const parent = node.parent;
    const isImportSpecifier =
      parent !== undefined && (ts.isImportSpecifier(parent) || ts.isNamespaceImport(parent) || (ts.isBindingElement(parent) && (parent.name === node || parent.propertyName === node)));
    const imported = isImportSpecifier ? undefined : resolve(node);
    if (imported) record(imported, node);
    ts.forEachChild(node, visit);
  };
  visit(source);

  // Aggregated clients expose one method per operation: `.startPipelineExecution(` -> StartPipelineExecution.
  for (const moduleName of aggregatedClients) {
    const exported = exportsOf(moduleName);
    const methods = (node: ts.Node): void => {
      if (ts.isCallExpression(node) && ts.isPropertyAccessExpression(node.expression)) {
        const method = node.expression.name.text;
        const operation = method[0]!.toUpperCase() + method.slice(1);
        if (exported.has(`${operation}Command`)) add(moduleName, operation, node);
      }
      ts.forEachChild(node, methods);
    };
    methods(source);
  }
  return calls;
}

export function scanSdkCalls(dir: string): SdkCall[] {
  return sourceFiles(dir).flatMap((file) => scanFile(file));
}
