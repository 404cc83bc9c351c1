// ajv's verdict (JSON Schema 2020-12) on every instance of a corpus, in one run.
// Usage: node ajv_verdicts.cjs SCHEMA_DIR CORPUS.json
//   CORPUS.json: [["PollForJobsInput", instance], ...]; SCHEMA_DIR holds <Root>.schema.json.
// Prints {"options": {...}, "verdicts": [true, false, ...]} on stdout.
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const Ajv2020 = require("ajv/dist/2020").default;

const [schemaDir, corpusPath] = process.argv.slice(2);
// strict: unknown keywords, ignored types and the like are errors, so the exported
// schema must declare everything it uses. unicodeRegExp (the default) compiles patterns
// with the `u` flag.
const ajv = new Ajv2020({ strict: true, unicodeRegExp: true, allErrors: false });
ajv.addKeyword({ keyword: "x-aws-sensitive", schemaType: "boolean", metaSchema: { type: "boolean" } });

const validators = new Map();
for (const file of fs.readdirSync(schemaDir).sort()) {
  if (file.endsWith(".schema.json")) {
    const schema = JSON.parse(fs.readFileSync(path.join(schemaDir, file), "utf8"));
    validators.set(file.slice(0, -".schema.json".length), ajv.compile(schema));
  }
}
const corpus = JSON.parse(fs.readFileSync(corpusPath, "utf8"));
const verdicts = corpus.map(([root, instance]) => {
  const validate = validators.get(root);
  if (!validate) throw new Error(`no schema for ${root} in ${schemaDir}`);
  return validate(instance);
});
const { strict, unicodeRegExp } = ajv.opts;
process.stdout.write(JSON.stringify({ options: { strict, unicodeRegExp, schemas: [...validators.keys()] }, verdicts }));
