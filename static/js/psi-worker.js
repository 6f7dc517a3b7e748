/* One PSI worker of the availability check page (docs/private-check.md): blinds a slice of the prospects' keys,
   or intersects a slice of the portal's response with one setup, with the page's client key. The page runs two
   of these so both cores work; nothing here talks to the network. */
/* global importScripts, PSI */
importScripts("../vendor/psi/psi_wasm_web.js");
var ready = PSI();

self.onmessage = function (event) {
  var m = event.data;
  ready.then(function (psi) {
    var client = psi.client.createFromKey(m.key, m.reveal);
    try {
      if (m.cmd === "blind") {
        self.postMessage({ id: m.id, bytes: client.createRequest(m.items).serializeBinary() });
        return;
      }
      var response = new psi.response();
      response.setEncryptedElementsList(m.elements);
      var setup = psi.serverSetup.deserializeBinary(m.setup);
      if (!m.reveal) {
        self.postMessage({ id: m.id, size: client.getIntersectionSize(setup, response) });
        return;
      }
      var found = client.getIntersection(setup, response).map(function (j) { return j + m.offset; });
      self.postMessage({ id: m.id, found: found });
    } catch (err) {
      self.postMessage({ id: m.id, error: String(err && err.message || err) });
    } finally {
      client.delete();
    }
  });
};
