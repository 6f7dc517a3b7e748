/* The private availability check in the browser (docs/private-check.md): the CSV is read and normalised here
   (normalise.js, the same specification as registration), blinded with PSI (static/vendor/psi, WebAssembly),
   and only the blinded keys and the number of prospects are sent. Answers follow registration's precedence:
   already yours > protected by another registration > vendor direct account > open. */
(function () {
  "use strict";
  var form = document.getElementById("psi-form");
  if (!form || !window.PSI || !window.PrmNormalise) return;
  var config = document.getElementById("psi-config").dataset;
  var texts = JSON.parse(document.getElementById("psi-texts").textContent);
  var PAGE = 50;
  var state = { rows: [], answers: [], page: 0 };

  function $(id) { return document.getElementById(id); }
  function fmt(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_m, k) { return values[k]; });
  }
  function csrf() {
    var field = form.querySelector("[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }
  function status(text) { $("psi-status").textContent = text; }
  function progress(pct) {
    var bar = $("psi-progress");
    bar.classList.remove("d-none");
    bar.setAttribute("aria-valuenow", String(pct));
    bar.firstElementChild.style.width = pct + "%";
  }
  function fail(message) {
    var box = $("psi-error");
    box.textContent = message;
    box.classList.remove("d-none");
  }

  function parseCsv(text) {
    var rows = [], row = [], cell = "", quoted = false;
    text = text.replace(/^\ufeff/, "");
    for (var i = 0; i < text.length; i++) {
      var ch = text[i];
      if (quoted) {
        if (ch === '"' && text[i + 1] === '"') { cell += '"'; i++; }
        else if (ch === '"') quoted = false;
        else cell += ch;
      } else if (ch === '"') quoted = true;
      else if (ch === ",") { row.push(cell); cell = ""; }
      else if (ch === "\n" || ch === "\r") {
        if (ch === "\r" && text[i + 1] === "\n") i++;
        row.push(cell); rows.push(row); row = []; cell = "";
      } else cell += ch;
    }
    if (cell || row.length) { row.push(cell); rows.push(row); }
    return rows;
  }

  function prospects(text) {
    var rows = parseCsv(text);
    if (!rows.length) return [];
    var header = rows[0].map(function (c) { return c.trim().toLowerCase(); });
    var at = { name: 0, domain: 1, country: 2 };
    if (header.indexOf("name") >= 0) {
      at = { name: header.indexOf("name"), domain: header.indexOf("domain"), country: header.indexOf("country") };
      rows = rows.slice(1);
    }
    function cell(r, k) { return at[k] >= 0 && at[k] < r.length ? r[at[k]].trim() : ""; }
    return rows.filter(function (r) { return r.some(function (c) { return c.trim(); }); })
      .map(function (r) { return { name: cell(r, "name"), domain: cell(r, "domain"), country: cell(r, "country") }; });
  }

  function dummy() {
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return "x:" + Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  function toB64(bytes) {
    var s = "";
    for (var i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
    return btoa(s);
  }
  function fromB64(text) {
    var s = atob(text), out = new Uint8Array(s.length);
    for (var i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
    return out;
  }
  function api(url, body) {
    var init = { credentials: "same-origin", headers: { Accept: "application/json" } };
    if (body) {
      init.method = "POST";
      init.headers["Content-Type"] = "application/json";
      init.headers["X-CSRFToken"] = csrf();
      init.body = JSON.stringify(body);
    }
    return fetch(url, init).then(function (r) {
      return r.json().then(function (data) {
        if (!r.ok) throw new Error(data.detail || (data.non_field_errors || [])[0] || texts.failed);
        return data;
      });
    });
  }

  function label(answer) {
    if (answer.answer !== "protected") return texts[answer.answer];
    if (answer.until) return fmt(texts.protected_until, { date: answer.until });
    return answer.bucketed ? texts.protected_later : texts.protected;
  }

  function classify(n, hits, untils, bucketed) {
    var out = [];
    for (var i = 0; i < n; i++) {
      var found = null;
      ["yours", "protected", "direct"].some(function (a) {
        var set = hits[a];
        if (!set || !(set.has(2 * i) || set.has(2 * i + 1))) return false;
        var until = null;
        if (a === "protected") [2 * i, 2 * i + 1].forEach(function (j) { if (untils[j] && (!until || untils[j] > until)) until = untils[j]; });
        found = { answer: a, until: until, bucketed: bucketed };
        return true;
      });
      out.push(found || { answer: "open", until: null });
    }
    return out;
  }

  function render() {
    var body = document.querySelector("[data-testid=psi-results] tbody");
    body.textContent = "";
    var pages = Math.max(1, Math.ceil(state.rows.length / PAGE));
    state.page = Math.min(Math.max(0, state.page), pages - 1);
    state.rows.slice(state.page * PAGE, (state.page + 1) * PAGE).forEach(function (p, k) {
      var tr = document.createElement("tr");
      [p.name, p.domain, p.country, label(state.answers[state.page * PAGE + k])].forEach(function (v) {
        var td = document.createElement("td");
        td.textContent = v;
        tr.appendChild(td);
      });
      tr.dataset.answer = state.answers[state.page * PAGE + k].answer;
      body.appendChild(tr);
    });
    $("psi-page").textContent = fmt(texts.page, { page: state.page + 1, pages: pages });
    $("psi-results").classList.remove("d-none");
  }

  function renderCounts(counts) {
    var body = document.querySelector("[data-testid=psi-counts] tbody");
    body.textContent = "";
    ["yours", "protected", "direct"].forEach(function (a) {
      var tr = document.createElement("tr");
      tr.dataset.answer = a;
      [texts[a], String(counts[a] || 0)].forEach(function (v, k) {
        var td = document.createElement("td");
        td.textContent = v;
        if (k) td.className = "text-end";
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
    $("psi-counts").classList.remove("d-none");
  }

  function exportCsv() {
    function q(v) { return /[",\n\r]/.test(v) ? '"' + v.replace(/"/g, '""') + '"' : v; }
    var lines = ["name,domain,country,answer,protected_until"];
    state.rows.forEach(function (p, i) {
      var a = state.answers[i];
      lines.push([p.name, p.domain, p.country, a.answer, a.until || ""].map(q).join(","));
    });
    var link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([lines.join("\r\n") + "\r\n"], { type: "text/csv" }));
    link.download = "availability.csv";
    document.body.appendChild(link);
    link.click();
    link.remove();
  }

  // Two workers (static/js/psi-worker.js), each with the same client key: slices of one request are one request.
  var WORKERS = Math.max(1, Math.min(2, navigator.hardwareConcurrency || 2));
  function Pool(url) {
    this.workers = [];
    this.waiting = {};
    this.next = 0;
    var self = this;
    for (var i = 0; i < WORKERS; i++) {
      var w = new Worker(url);
      w.onmessage = function (e) {
        var job = self.waiting[e.data.id];
        delete self.waiting[e.data.id];
        if (e.data.error) job.reject(new Error(e.data.error)); else job.resolve(e.data);
      };
      w.onerror = function (e) {
        Object.keys(self.waiting).forEach(function (id) { self.waiting[id].reject(new Error(e.message || texts.failed)); });
        self.waiting = {};
      };
      this.workers.push(w);
    }
  }
  Pool.prototype.run = function (message) {
    var self = this, id = ++this.next;
    message.id = id;
    return new Promise(function (resolve, reject) {
      self.waiting[id] = { resolve: resolve, reject: reject };
      self.workers[id % self.workers.length].postMessage(message);
    });
  };
  Pool.prototype.close = function () { this.workers.forEach(function (w) { w.terminate(); }); };

  function slices(n) {
    var step = Math.max(1, Math.ceil(n / WORKERS)), out = [];
    for (var a = 0; a < n; a += step) out.push([a, Math.min(n, a + step)]);
    return out.length ? out : [[0, 0]];
  }

  function blindParallel(psi, pool, key, reveal, items) {
    return Promise.all(slices(items.length).map(function (s) {
      return pool.run({ cmd: "blind", key: key, reveal: reveal, items: items.slice(s[0], s[1]) });
    })).then(function (parts) {
      var request = new psi.request();
      request.setRevealIntersection(reveal);
      var elements = [];
      parts.forEach(function (p) { elements = elements.concat(psi.request.deserializeBinary(p.bytes).getEncryptedElementsList_asU8()); });
      request.setEncryptedElementsList(elements);
      return request;
    });
  }

  function intersectParallel(psi, pool, key, reveal, response, setups) {
    var elements = response.getEncryptedElementsList_asU8();
    var parts = reveal ? slices(elements.length) : [[0, elements.length]];
    var jobs = [];
    setups.forEach(function (s, k) {
      var setup = fromB64(s.setup);
      parts.forEach(function (p) {
        jobs.push(pool.run({ cmd: "intersect", key: key, reveal: reveal, setup: setup, elements: elements.slice(p[0], p[1]), offset: p[0] })
          .then(function (r) { return { k: k, r: r }; }));
      });
    });
    return Promise.all(jobs);
  }

  function run(file) {
    var started = performance.now();
    $("psi-error").classList.add("d-none");
    progress(5);
    return Promise.all([file.text(), api(config.specUrl), window.PSI()]).then(function (got) {
      var rows = prospects(got[0]), spec = got[1], psi = got[2];
      if (!rows.length) throw new Error(texts.empty);
      status(fmt(texts.reading, { n: rows.length }));
      var norm = window.PrmNormalise.create(spec.normalisation, spec.free_mail);
      var items = [];
      rows.forEach(function (p) {
        norm.checkKeys(p.name, p.domain, p.country).forEach(function (k) { items.push(k || dummy()); });
      });
      var reveal = !spec.policy.counts_only;
      var key = psi.client.createWithNewKey(reveal);
      var keyBytes = key.getPrivateKeyBytes();
      key.delete();
      var pool = new Pool(config.workerUrl);
      return blindParallel(psi, pool, keyBytes, reveal, items).then(function (request) {
        progress(35);
        status(texts.sending);
        return api(config.checkUrl, { prospects: rows.length, request: toB64(request.serializeBinary()), channel: "web" });
      }).then(function (reply) {
        progress(60);
        status(texts.intersecting);
        var response = psi.response.deserializeBinary(fromB64(reply.response));
        var setups = [{ answer: "yours", until: null, setup: reply.yours }].concat(spec.setups);
        var bucketed = spec.setups.some(function (s) { return s.answer === "protected" && s.until; });
        return intersectParallel(psi, pool, keyBytes, !reply.counts_only, response, setups).then(function (results) {
          if (reply.counts_only) {
            var sizes = {};
            results.forEach(function (x) { var a = setups[x.k].answer; sizes[a] = (sizes[a] || 0) + x.r.size; });
            sizes.protected = Math.max(0, (sizes.protected || 0) - (sizes.yours || 0));
            renderCounts(sizes);
          } else {
            var hits = {}, untils = {};
            results.forEach(function (x) {
              var s = setups[x.k];
              hits[s.answer] = hits[s.answer] || new Set();
              x.r.found.forEach(function (j) {
                hits[s.answer].add(j);
                if (s.until && (!untils[j] || s.until > untils[j])) untils[j] = s.until;
              });
            });
            state.rows = rows;
            state.answers = classify(rows.length, hits, untils, bucketed);
            state.page = 0;
            render();
          }
          progress(100);
          status(fmt(texts.done, { n: rows.length, s: ((performance.now() - started) / 1000).toFixed(1) }));
        });
      }).finally(function () { pool.close(); });
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var file = $("psi-file").files[0];
    if (!file) return;
    $("psi-run").disabled = true;
    run(file).catch(function (err) { fail(err.message || texts.failed); })
      .then(function () { $("psi-run").disabled = false; });
  });
  $("psi-prev").addEventListener("click", function () { state.page--; render(); });
  $("psi-next").addEventListener("click", function () { state.page++; render(); });
  $("psi-export").addEventListener("click", exportCsv);
})();
