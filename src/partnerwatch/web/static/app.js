// PartnerWatch pages: interactive charts (Vega-Embed from /static/vega.js), sortable tables, the table browser.
(function () {
  "use strict";
  const specs = document.getElementById("chart-specs");
  if (specs && window.vegaEmbed) {
    const data = JSON.parse(specs.textContent);
    document.querySelectorAll("figure.chart[data-figure]").forEach(function (node) {
      const entry = data[node.dataset.figure];
      if (entry) {
        window.vegaEmbed(node, entry.spec, { actions: false, renderer: "svg" }).then(function (result) {
          node.dataset.rendered = "true";
          const svg = node.querySelector("svg");
          if (svg) { svg.setAttribute("role", "img"); svg.setAttribute("aria-label", entry.description); }
        }).catch(function (error) { console.error(error); });
      }
    });
  }
  document.querySelectorAll("table.sortable th button").forEach(function (button) {
    button.addEventListener("click", function () {
      const table = button.closest("table");
      const column = button.closest("th").cellIndex;  // the heading's own column, whatever comes before it
      const rows = Array.from(table.tBodies[0].rows);
      const ascending = table.dataset.sorted !== String(column) + "a";
      rows.sort(function (a, b) {
        const x = a.cells[column].dataset.value, y = b.cells[column].dataset.value;
        const nx = Number(x), ny = Number(y);
        const order = isNaN(nx) || isNaN(ny) ? x.localeCompare(y) : nx - ny;
        return ascending ? order : -order;
      });
      rows.forEach(function (row) { table.tBodies[0].appendChild(row); });
      table.dataset.sorted = String(column) + (ascending ? "a" : "d");
    });
  });
  const view = document.getElementById("table-view");
  if (view) {
    const params = new URLSearchParams({ limit: "200" });
    if (view.dataset.country) params.set("country", view.dataset.country);
    if (view.dataset.from) params.set("year_from", view.dataset.from);
    if (view.dataset.to) params.set("year_to", view.dataset.to);
    fetch("/api/tables/" + view.dataset.table + "?" + params.toString()).then(function (response) {
      return response.json();
    }).then(function (body) {
      if (!body.rows) { view.textContent = body.error ? body.error.message : "No rows."; return; }
      const table = document.createElement("table");
      const columns = body.rows.length ? Object.keys(body.rows[0]) : [];
      const head = table.createTHead().insertRow();
      columns.forEach(function (c) { const th = document.createElement("th"); th.scope = "col"; th.textContent = c; head.appendChild(th); });
      const tbody = table.createTBody();
      body.rows.forEach(function (row) {
        const tr = tbody.insertRow();
        columns.forEach(function (c) { tr.insertCell().textContent = row[c] === null ? "" : String(row[c]); });
      });
      const caption = table.createCaption();
      caption.textContent = body.rows.length + " rows" + (body.aggregated ? " (aggregates: ACLED events are not redistributed)" : "");
      view.appendChild(table);
      view.dataset.loaded = "true";
    }).catch(function (error) { console.error(error); });
  }
})();
