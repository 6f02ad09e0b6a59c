// The money trail's world map: countries shaded by the amount that ended there,
// secrecy jurisdictions outlined in red. Shapes from world-atlas (Natural Earth),
// numeric ISO ids matched to FtM's alpha-2 codes through world-countries.
(async function () {
  "use strict";
  const box = document.getElementById("map");
  if (!box || typeof d3 === "undefined" || typeof topojson === "undefined") return;
  const amounts = JSON.parse(box.dataset.amounts);
  const secrecy = new Set(JSON.parse(box.dataset.secrecy));
  const [world, codes] = await Promise.all([
    fetch("/vendor/countries-110m.json").then((r) => r.json()),
    fetch("/vendor/country-codes.json").then((r) => r.json()),
  ]);
  const byNumeric = {};
  for (const [alpha2, numeric] of Object.entries(codes)) byNumeric[numeric] = alpha2;
  const countries = topojson.feature(world, world.objects.countries).features;
  const width = 640, height = 340;
  const projection = d3.geoNaturalEarth1().fitSize([width, height], { type: "Sphere" });
  const path = d3.geoPath(projection);
  const max = Math.max(1, ...Object.values(amounts));
  const colour = d3.scaleSequentialLog([1, max], d3.interpolateGreens);
  const svg = d3.select(box).append("svg").attr("viewBox", `0 0 ${width} ${height}`)
    .attr("role", "img").attr("aria-label", "map");
  svg.append("path").attr("d", path({ type: "Sphere" })).attr("fill", "#eef3f7");
  svg.append("g").selectAll("path").data(countries).join("path")
    .attr("d", path)
    .attr("data-country", (f) => byNumeric[f.id] || "")
    .attr("fill", (f) => (amounts[byNumeric[f.id]] ? colour(amounts[byNumeric[f.id]]) : "#dde3e8"))
    .attr("stroke", (f) => (secrecy.has(byNumeric[f.id]) ? "#c62828" : "#fff"))
    .attr("stroke-width", (f) => (secrecy.has(byNumeric[f.id]) ? 2 : 0.5))
    .append("title")
    .text((f) => {
      const a = amounts[byNumeric[f.id]];
      return f.properties.name + (a ? `: ${Math.round(a).toLocaleString()}` : "");
    });
  box.dataset.drawn = String(Object.keys(amounts).filter((c) => c in codes).length);
})();
