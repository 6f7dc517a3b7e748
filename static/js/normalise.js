/* The normalisation of a customer's name and domain, as registration does it (docs/private-check.md).
   The constants come from deals/normalisation.json (the same file deals/normalisation.py reads); the test
   vectors in tests/deals/normalisation_vectors.json check that both give identical keys. Works in the browser
   (window.PrmNormalise) and in Node (module.exports). */
(function (root) {
  "use strict";

  var WORD_BEFORE = "(?<![\\p{L}\\p{N}_])";
  var WORD_AFTER = "(?![\\p{L}\\p{N}_])";
  var LETTER_DOTS = new RegExp(WORD_BEFORE + "[a-z](?:\\.[a-z])+\\.?", "gu");
  var AND_WORD = new RegExp(WORD_BEFORE + "and" + WORD_AFTER, "u");
  var NON_ALNUM = /[^0-9a-z]+/g;
  var DOMAIN_OK = /^[a-z0-9.-]+\.[a-z]{2,}$/;
  var WWW = /^www\d?\./;
  // Python's str.casefold() differs from toLowerCase() for these (the ones a company name meets).
  var CASEFOLD = { "\u00df": "ss", "\u1e9e": "ss", "\u017f": "s", "\u03c2": "\u03c3", "\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl" };

  function casefold(text) {
    return text.toLowerCase().replace(/[\u00df\u1e9e\u017f\u03c2\ufb00-\ufb02]/g, function (ch) { return CASEFOLD[ch]; });
  }

  function fold(text) {
    return casefold(text).normalize("NFKD").replace(/\p{M}/gu, "");
  }

  function pyStrip(text) {
    return text.replace(/^\s+|\s+$/g, "");
  }

  function create(spec, freeMail) {
    var legal = new Set(spec.legal_suffixes);
    var splits = spec.split_suffixes;
    var articles = new Set(spec.leading_articles);
    var free = new Set((freeMail || []).map(function (d) { return d.toLowerCase(); }));

    function endsWith(tokens, split) {
      if (tokens.length <= split.length) return false;
      for (var i = 0; i < split.length; i++) {
        if (tokens[tokens.length - split.length + i] !== split[i]) return false;
      }
      return true;
    }

    function stripSuffixes(tokens) {
      var removed = false;
      outer: while (tokens.length > 1) {
        for (var s = 0; s < splits.length; s++) {
          if (endsWith(tokens, splits[s])) {
            tokens = tokens.slice(0, tokens.length - splits[s].length);
            removed = true;
            continue outer;
          }
        }
        if (legal.has(tokens[tokens.length - 1])) {
          tokens = tokens.slice(0, -1);
          removed = true;
          continue;
        }
        break;
      }
      return { tokens: tokens, removed: removed };
    }

    function companyName(name) {
      var raw = pyStrip(name || "");
      var text = fold(raw);
      var ampersand = text.indexOf("&") >= 0 || AND_WORD.test(text);
      if (ampersand) text = text.replace(/&/g, " and ");
      text = text.replace(LETTER_DOTS, function (m) { return m.replace(/\./g, ""); });
      var tokens = text.replace(NON_ALNUM, " ").split(" ").filter(function (t) { return t; });
      if (ampersand) tokens = tokens.filter(function (t) { return t !== "and"; });
      if (tokens.length > 1 && articles.has(tokens[0])) tokens = tokens.slice(1);
      return stripSuffixes(tokens).tokens.join(" ");
    }

    function domain(value) {
      var text = pyStrip(value || "").toLowerCase();
      if (!text) return "";
      if (text.indexOf("@") >= 0 && text.indexOf("/") < 0) text = text.slice(text.lastIndexOf("@") + 1);
      var host;
      try {
        host = new URL((text.indexOf("//") >= 0 ? "" : "http://") + text.replace(/^[a-z][a-z0-9+.-]*:\/\//, "http://").replace(/^\/\//, "http://")).hostname;
      } catch (e) {
        return "";
      }
      host = host.replace(/^\.+|\.+$/g, "");
      while (WWW.test(host)) host = host.slice(host.indexOf(".") + 1);
      if (!DOMAIN_OK.test(host) || free.has(host)) return "";
      return host;
    }

    function checkKeys(name, domainValue, country) {
      var d = domain(domainValue);
      var n = companyName(name);
      var cc = pyStrip(country || "").toUpperCase();
      return [d ? ("d:" + d).slice(0, 200) : "", n && cc ? ("n:" + cc + ":" + n).slice(0, 200) : ""];
    }

    return { fold: fold, companyName: companyName, domain: domain, checkKeys: checkKeys };
  }

  var api = { create: create };
  if (typeof module !== "undefined" && module.exports) module.exports = api;
  else root.PrmNormalise = api;
})(this);
