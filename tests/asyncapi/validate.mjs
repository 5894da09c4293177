// Validate an AsyncAPI document with the AsyncAPI project's parser: prints every
// diagnostic, exits 1 when one is an error. Usage: node validate.mjs FILE
import { readFileSync } from "node:fs";
import { Parser } from "@asyncapi/parser";

const parser = new Parser();
const { document, diagnostics } = await parser.parse(readFileSync(process.argv[2], "utf8"));
const severities = ["error", "warning", "info", "hint"];
for (const d of diagnostics) {
  console.log(`${severities[d.severity]} ${d.code} at ${d.path.join("/")}: ${d.message}`);
}
const errors = diagnostics.filter((d) => d.severity === 0).length;
if (!document || errors) {
  console.log(`invalid: ${errors} error(s)`);
  process.exit(1);
}
console.log(`valid: AsyncAPI ${document.version()}, ${document.channels().length} channels`);
