// Verifies Open Badges 3.0 credentials with Digital Bazaar's reference libraries (@digitalbazaar/vc,
// Data Integrity, the eddsa-jcs-2022 cryptosuite), offline.
//
// Input (stdin, JSON): {"didDocument": <the portal's /.well-known/did.json>, "credentials": [<credential>, ...]}
// Output (stdout, JSON): [{"verified": true|false, "error": "<first error message>"|null}, ...] in input order.
//
// The document loader knows only what it is handed: the vendored JSON-LD contexts in ./contexts (the W3C
// VC 2.0 context and 1EdTech's OB 3.0.3 context, see README.md) and the portal's did:web document, which
// resolves the issuer DID and its verification methods (did:web:<host>#<kid>). Anything else is an error,
// so the check never reaches the network.
import {readFileSync} from 'node:fs';
import {dirname, join} from 'node:path';
import {fileURLToPath} from 'node:url';

import * as vc from '@digitalbazaar/vc';
import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {createVerifyCryptosuite} from '@digitalbazaar/eddsa-jcs-2022-cryptosuite';

const here = dirname(fileURLToPath(import.meta.url));
const CONTEXTS = {
  'https://www.w3.org/ns/credentials/v2': 'credentials-v2.jsonld',
  'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json': 'ob-v3p0-context-3.0.3.json',
};

function loaderFor(didDocument) {
  const contexts = new Map(
    Object.entries(CONTEXTS).map(([url, file]) => [url, JSON.parse(readFileSync(join(here, 'contexts', file), 'utf8'))])
  );
  return async function documentLoader(url) {
    if(contexts.has(url)) {
      return {contextUrl: null, documentUrl: url, document: contexts.get(url)};
    }
    const [did, fragment] = url.split('#');
    if(did === didDocument.id) {
      if(fragment === undefined) {
        return {contextUrl: null, documentUrl: url, document: didDocument};
      }
      const method = (didDocument.verificationMethod || []).find(m => m.id === url);
      if(method) {
        return {
          contextUrl: null,
          documentUrl: url,
          document: {'@context': didDocument['@context'], ...method},
        };
      }
    }
    throw new Error(`offline document loader: no document for ${url}`);
  };
}

function firstError(result) {
  const errors = [];
  const collect = error => {
    if(!error) {
      return;
    }
    if(Array.isArray(error)) {
      error.forEach(collect);
    } else if(Array.isArray(error.errors)) {
      error.errors.forEach(collect);
    } else {
      errors.push(error.message || String(error));
    }
  };
  collect(result.error);
  for(const item of result.results || []) {
    collect(item.error);
  }
  return errors.length ? errors[0] : 'not verified';
}

const input = JSON.parse(readFileSync(0, 'utf8'));
const documentLoader = loaderFor(input.didDocument);
const suite = new DataIntegrityProof({cryptosuite: createVerifyCryptosuite()});
const output = [];
for(const credential of input.credentials) {
  const result = await vc.verifyCredential({credential, suite, documentLoader});
  output.push({verified: result.verified === true, error: result.verified ? null : firstError(result)});
}
process.stdout.write(JSON.stringify(output) + '\n');
