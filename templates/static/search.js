// Client-side search over search/index.json: every word must match; title hits rank first.
(() => {
  const form = document.querySelector("form.search");
  if (!form) return;
  const input = form.querySelector("input");
  const status = document.querySelector(".search-status");
  const list = document.querySelector(".search-results");
  let documents = null;

  const words = (text) => text.toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "")
    .split(/[^\p{L}\p{N}]+/u).filter(Boolean);

  const score = (doc, terms) => {
    const title = words(doc.title).join(" ");
    const rest = words([doc.summary, doc.tags.join(" "), doc.text].join(" ")).join(" ");
    let total = 0;
    for (const term of terms) {
      if (title.includes(term)) total += 10;
      else if (rest.includes(term)) total += 1;
      else return 0;
    }
    return total;
  };

  const show = (query) => {
    const terms = words(query);
    list.replaceChildren();
    if (!terms.length) { status.textContent = ""; return; }
    const hits = documents.map((doc) => [score(doc, terms), doc]).filter(([s]) => s > 0)
      .sort((a, b) => b[0] - a[0]);
    status.textContent = hits.length ? `${hits.length} result(s)` : "No results.";
    for (const [, doc] of hits.slice(0, 50)) {
      const item = document.createElement("li");
      const heading = document.createElement("h2");
      const link = document.createElement("a");
      link.href = doc.url;
      link.textContent = doc.title;
      heading.append(link);
      const meta = document.createElement("p");
      meta.className = "meta";
      meta.textContent = `${doc.kind === "episode" ? "Episode" : "Article"} · ${doc.date}`;
      const summary = document.createElement("p");
      summary.textContent = doc.summary;
      item.append(heading, meta, summary);
      list.append(item);
    }
  };

  form.addEventListener("submit", (event) => event.preventDefault());
  input.addEventListener("input", () => documents && show(input.value));
  fetch(form.dataset.index).then((r) => r.json()).then((data) => {
    documents = data;
    const query = new URLSearchParams(location.search).get("q");
    if (query) input.value = query;
    show(input.value);
  });
})();
