// The search box of search.html, on Pagefind's search API (pagefind/pagefind.js, made by the
// build for this edition alone). Without JavaScript the page is a list of every topic and its
// items, and that list stays below the results. Every link it makes is relative to this page,
// so the site works at the root of a server or under any sub-path. Opened from a folder
// (file://) the browser will not load Pagefind's files, so the page says so and stops.
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  var note = document.getElementById("search-note");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  if (!form || !note || !status || !list) { return; }
  var input = form.querySelector("input[type=search]");
  if (location.protocol === "file:") {
    note.textContent = note.getAttribute("data-file");
    return;
  }
  // This page sits at the top of its edition; Pagefind's results are paths from there.
  var base = new URL(".", location.href).pathname;
  var bundle = new URL(form.getAttribute("data-bundle"), location.href).href;
  var loading = null;
  var asked = 0;
  var timer = 0;
  var MAX_PAGES = 10;
  var MAX_ITEMS = 5;

  function pagefind() {
    if (!loading) {
      loading = import(bundle).then(function (found) {
        return found.options({ baseUrl: base }).then(function () { return found; });
      });
    }
    return loading;
  }

  function say(template, words, count) {
    return template.replace("{words}", words).replace("{count}", String(count));
  }

  function relative(url) {
    return url.indexOf(base) === 0 ? url.slice(base.length) : url;
  }

  // The item (a list item or a rule, with its own id) that holds each word found, so that a
  // result leads to the item itself rather than to the top of its page.
  function itemsFound(data) {
    var hits = data.locations || [];
    var items = [];
    (data.anchors || []).forEach(function (anchor) {
      if (/^h\d$/i.test(anchor.element) || !anchor.id || !anchor.text) { return; }
      var words = anchor.text.split(/\s+/);
      var marked = words.map(function (_, i) { return hits.indexOf(anchor.location + i) >= 0; });
      if (marked.indexOf(true) >= 0) { items.push({ id: anchor.id, words: words, marked: marked }); }
    });
    return items;
  }

  function link(href, build) {
    var a = document.createElement("a");
    a.href = href;
    build(a);
    return a;
  }

  function itemLink(page, item) {
    return link(page + "#" + item.id, function (a) {
      item.words.forEach(function (word, i) {
        if (i > 0) { a.appendChild(document.createTextNode(" ")); }
        if (item.marked[i]) {
          var mark = document.createElement("mark");
          mark.textContent = word;
          a.appendChild(mark);
        } else {
          a.appendChild(document.createTextNode(word));
        }
      });
    });
  }

  function result(data, terms) {
    var page = relative(data.url);
    var entry = document.createElement("li");
    var title = document.createElement("p");
    title.className = "search-result-title";
    title.appendChild(link(page, function (a) { a.textContent = data.meta.title || page; }));
    entry.appendChild(title);
    var items = itemsFound(data).slice(0, MAX_ITEMS);
    var inner = document.createElement("ul");
    if (items.length) {
      items.forEach(function (item) {
        var li = document.createElement("li");
        li.appendChild(itemLink(page, item));
        inner.appendChild(li);
      });
    } else {
      // Found outside any item (an introduction, a heading): the sections it is in, or the
      // words around it when it is in none.
      (data.sub_results || []).filter(function (sub) { return sub.url.indexOf("#") > 0; })
        .slice(0, MAX_ITEMS).forEach(function (sub) {
          var li = document.createElement("li");
          li.appendChild(link(relative(sub.url), function (a) { a.textContent = sub.title; }));
          inner.appendChild(li);
        });
      if (!inner.childNodes.length && data.plain_excerpt) {
        entry.appendChild(excerpt(data.plain_excerpt, terms));
      }
    }
    if (inner.childNodes.length) { entry.appendChild(inner); }
    return entry;
  }

  // The words around what was found, as text, the words searched for marked.
  function excerpt(text, terms) {
    var p = document.createElement("p");
    p.className = "search-excerpt";
    text.split(/\s+/).forEach(function (word, i) {
      if (i > 0) { p.appendChild(document.createTextNode(" ")); }
      var bare = word.toLowerCase().replace(/^\W+/, "");
      var hit = terms.some(function (term) { return term && bare.indexOf(term) === 0; });
      if (hit) {
        var mark = document.createElement("mark");
        mark.textContent = word;
        p.appendChild(mark);
      } else {
        p.appendChild(document.createTextNode(word));
      }
    });
    return p;
  }

  function search() {
    var words = input.value.trim();
    var mine = ++asked;
    if (!words) {
      list.hidden = true;
      list.textContent = "";
      status.textContent = "";
      return;
    }
    status.textContent = status.getAttribute("data-loading");
    pagefind().then(function (found) {
      return found.search(words);
    }).then(function (answer) {
      return Promise.all(answer.results.slice(0, MAX_PAGES).map(function (r) { return r.data(); }))
        .then(function (pages) {
          if (mine !== asked) { return; }  // a newer search has started
          list.textContent = "";
          var terms = words.toLowerCase().split(/\s+/);
          pages.forEach(function (data) { list.appendChild(result(data, terms)); });
          list.hidden = pages.length === 0;
          status.textContent = pages.length
            ? say(status.getAttribute("data-found"), words, answer.results.length)
            : say(status.getAttribute("data-none"), words, 0);
        });
    }).catch(function () {
      status.textContent = "";
      note.textContent = note.getAttribute("data-failed");
      note.hidden = false;
      form.hidden = true;
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(timer);
    search();
  });
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(search, 250);
  });
  form.hidden = false;
  note.hidden = true;
  var given = new URLSearchParams(location.search).get("q");
  if (given) {
    input.value = given;
    search();
  }
}());
