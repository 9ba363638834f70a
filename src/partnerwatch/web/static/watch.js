// The watch page: filters apply on change; the world map (served by this server) coloured by a chosen column.
(function () {
  "use strict";
  const form = document.getElementById("watch-filters");
  if (form) {
    form.querySelectorAll("select").forEach(function (select) {
      select.addEventListener("change", function () { form.submit(); });
    });
  }
  const holder = document.getElementById("map");
  const dataNode = document.getElementById("map-data");
  const chooser = document.getElementById("map-column");
  if (!holder || !dataNode || !chooser) { return; }
  const data = JSON.parse(dataNode.textContent);
  const colours = ["#fde0c5", "#facba6", "#f59e72", "#e3674c", "#b7303b"];
  function paint() {
    const column = chooser.value;
    const values = Object.values(data).map(function (c) { return c[column] ? c[column][0] : null; })
      .filter(function (v) { return v !== null && v !== undefined; }).sort(function (a, b) { return a - b; });
    const cuts = [0.2, 0.4, 0.6, 0.8].map(function (q) { return values[Math.floor(q * (values.length - 1))]; });
    holder.querySelectorAll("g.country").forEach(function (group) {
      const code = Array.from(group.classList).find(function (c) { return c.length === 2; });
      const entry = code ? data[code] : undefined;
      const cell = entry ? entry[column] : undefined;
      let fill = "";
      if (cell && cell[0] !== null) {
        let bin = 0;
        while (bin < cuts.length && cell[0] > cuts[bin]) { bin += 1; }
        fill = colours[bin];
      }
      group.querySelectorAll("path").forEach(function (path) { path.style.fill = fill; });
      group.dataset.value = cell ? String(cell[0]) : "";
      let title = group.querySelector("title");
      if (!title) { title = document.createElementNS("http://www.w3.org/2000/svg", "title"); group.appendChild(title); }
      title.textContent = entry ? entry.name + ": " + (cell ? cell[1] : "no data") : "";
    });
    const legend = document.getElementById("map-legend");
    legend.textContent = values.length ? "Lowest fifth to highest fifth of " + values.length + " countries:" : "No country has this value.";
    colours.forEach(function (c) { const s = document.createElement("span"); s.style.background = c; legend.appendChild(s); });
  }
  fetch("/static/worldmap.svg").then(function (response) { return response.text(); }).then(function (text) {
    holder.innerHTML = text;
    holder.querySelectorAll("g.country").forEach(function (group) {
      const code = Array.from(group.classList).find(function (c) { return c.length === 2; });
      if (code && data[code]) {
        group.addEventListener("click", function () { window.location.href = "/countries/" + data[code].iso3; });
      }
    });
    paint();
    holder.dataset.drawn = "true";
  }).catch(function (error) { console.error(error); });
  chooser.addEventListener("change", paint);
})();
