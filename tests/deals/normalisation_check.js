// Runs the browser's normaliser (static/js/normalise.js) over the shared test vectors; prints the keys as JSON.
const fs = require("fs");
const path = require("path");
const root = path.resolve(__dirname, "..", "..");
const normalise = require(path.join(root, "static", "js", "normalise.js"));
const spec = JSON.parse(fs.readFileSync(path.join(root, "deals", "normalisation.json"), "utf8"));
const vectors = JSON.parse(fs.readFileSync(path.join(__dirname, "normalisation_vectors.json"), "utf8"));
const n = normalise.create(spec, vectors.free_mail);
const out = vectors.vectors.map((c) => ({
  normalised_name: n.companyName(c.name),
  normalised_domain: n.domain(c.domain),
  keys: n.checkKeys(c.name, c.domain, c.country),
}));
process.stdout.write(JSON.stringify(out));
