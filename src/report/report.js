// cityfreight report page: reads the inlined data object and draws the map, the hour slider,
// the schedules, the tables and the public notice. No network: everything is in this file.
(function () {
  "use strict";
  var D = JSON.parse(document.getElementById("report-data").textContent);
  var $ = function (id) { return document.getElementById(id); };
  var esc = function (s) {
    return String(s == null ? "" : s).replace(/[&<>"]/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" }[c];
    });
  };
  var clock = function (s) {
    if (s == null) return "";
    var d = Math.floor(s / 86400), r = s - d * 86400;
    var h = Math.floor(r / 3600), m = Math.floor((r % 3600) / 60);
    return (h < 10 ? "0" : "") + h + ":" + (m < 10 ? "0" : "") + m + (d > 0 ? "+" + d + "d" : "");
  };
  var num = function (x, digits) {
    if (x == null || isNaN(x)) return "";
    var d = digits == null ? (Math.abs(x) >= 100 ? 0 : Math.abs(x) >= 10 ? 1 : 2) : digits;
    return Number(x).toLocaleString("en-US", { minimumFractionDigits: 0, maximumFractionDigits: d });
  };
  var decode = function (flat) {
    var out = [], x = 0, y = 0;
    for (var i = 0; i + 1 < flat.length; i += 2) { x += flat[i]; y += flat[i + 1]; out.push([y / 1e5, x / 1e5]); }
    return out;
  };
  var ll = function (p) { return [p[1], p[0]]; };

  // ---------------------------------------------------------------- header and tabs
  $("title").textContent = D.title;
  $("subtitle").textContent = [D.kind + " report", D.day ? "plan day: " + D.day : null, D.traffic ? "traffic: " + D.traffic : null, D.generator].filter(Boolean).join(" · ");
  $("attribution").textContent = D.attribution;
  var tabs = [["map", "Map"], ["schedule", "Schedule"], ["tables", "Tables"]];
  if (D.share) tabs.push(["share", "Separate vs shared"]);
  if (D.two_tier) tabs.push(["two-tier", "Direct vs two-tier"]);
  if (D.sweep) tabs.push(["sweep", "Sweep"]);
  if (D.kind === "check") tabs.push(["check", "Check"]);
  tabs.push(["notice", "Public notice"]);
  if (D.kind === "policy") tabs = [["notice", "Public notice"]];
  if (D.kind === "sweep") tabs = tabs.filter(function (t) { return t[0] !== "schedule"; });
  var shown = {};
  var show = function (name) {
    tabs.forEach(function (t) {
      $("tab-" + t[0]).hidden = t[0] !== name;
      $("tabbtn-" + t[0]).classList.toggle("active", t[0] === name);
    });
    ["map", "schedule", "tables", "share", "two-tier", "sweep", "check", "notice"].forEach(function (n) {
      if (!tabs.some(function (t) { return t[0] === n; })) $("tab-" + n).hidden = true;
    });
    if (name === "map" && map) setTimeout(function () { map.invalidateSize(); }, 0);
    if (name === "notice") drawNoticeMap();
    shown[name] = true;
  };
  tabs.forEach(function (t) {
    var b = document.createElement("button");
    b.id = "tabbtn-" + t[0]; b.textContent = t[1];
    b.onclick = function () { show(t[0]); };
    $("tabs").appendChild(b);
  });

  // ---------------------------------------------------------------- colours
  var carriers = [];
  (D.places.depots || []).forEach(function (d) { if (carriers.indexOf(d.carrier) < 0) carriers.push(d.carrier); });
  D.plans.forEach(function (p) { p.routes.forEach(function (r) { if (carriers.indexOf(r.carrier) < 0) carriers.push(r.carrier); }); });
  var HUES = [210, 0, 130, 275, 30, 185, 330, 60, 100, 240];
  var carrierColour = function (c) { return "hsl(" + HUES[Math.max(0, carriers.indexOf(c)) % HUES.length] + ",70%,42%)"; };
  var vehicleColour = function (plan, k) {
    var r = plan.routes[k];
    var same = plan.routes.filter(function (x) { return x.carrier === r.carrier; });
    var i = same.indexOf(r), n = same.length;
    var light = n > 1 ? 30 + Math.round(35 * i / (n - 1)) : 42;
    return "hsl(" + HUES[Math.max(0, carriers.indexOf(r.carrier)) % HUES.length] + ",75%," + light + "%)";
  };
  // The basemap in greys (wider for bigger roads), so that routes and street counts stand out.
  var ROAD = {
    motorway: ["#9e9e9e", 3.5], trunk: ["#a8a8a8", 3.5], primary: ["#b8b8b8", 2.8], secondary: ["#c8c8c8", 2.3],
    tertiary: ["#ffffff", 2], motorway_link: ["#9e9e9e", 1.6], trunk_link: ["#a8a8a8", 1.6],
    primary_link: ["#b8b8b8", 1.4], secondary_link: ["#c8c8c8", 1.3], tertiary_link: ["#ffffff", 1.3]
  };
  var roadStyle = function (cls) { var s = ROAD[cls] || ["#ffffff", cls === "service" ? 0.7 : 1.3]; return { color: s[0], weight: s[1], opacity: 1, interactive: false }; };
  var TL = { drive: "#4a7bd0", wait: "#f0a030", service: "#2ca25f", charge: "#8e44ad", reload: "#7f7f7f" };
  var KIND_COLOUR = { forbid: "#d73027", permit: "#fc8d59", fee: "#4575b4", penalty: "#91bfdb" };

  // ---------------------------------------------------------------- basemap and policy layers
  var renderer = L.canvas({ padding: 0.3 });
  // One multi-polyline per road class (not one layer per road): the canvas then projects and
  // draws the whole network with a handful of layers. On big extracts (more than
  // MINOR_ROADS_POINTS points) minor roads show from zoom MINOR_ROADS_ZOOM only, as on tiled
  // maps, so that panning and zooming the whole city stays quick.
  var MINOR_ROADS_POINTS = 100000, MINOR_ROADS_ZOOM = 14;
  var MAJOR = /^(motorway|trunk|primary|secondary|tertiary)(_link)?$/;
  var basemapLines = function (rd, m) {
    var byClass = {}, points = 0;
    D.basemap.lines.forEach(function (l) { (byClass[l[0]] = byClass[l[0]] || []).push(decode(l[1])); points += l[1].length / 2; });
    var classes = Object.keys(byClass).sort(function (a, b) { return roadStyle(D.basemap.classes[a]).weight - roadStyle(D.basemap.classes[b]).weight; });
    var group = L.layerGroup(), minor = [];
    classes.forEach(function (k) {
      var style = roadStyle(D.basemap.classes[k]); style.renderer = rd;
      var layer = L.polyline(byClass[k], style);
      if (points > MINOR_ROADS_POINTS && !MAJOR.test(D.basemap.classes[k])) minor.push(layer); else group.addLayer(layer);
    });
    if (minor.length) {
      var sync = function () {
        var on = m.getZoom() >= MINOR_ROADS_ZOOM;
        minor.forEach(function (l) { if (on && !group.hasLayer(l)) { group.addLayer(l); l.bringToBack(); } else if (!on && group.hasLayer(l)) group.removeLayer(l); });
      };
      m.on("zoomend", sync);
      group.on("add", sync);
    }
    return group;
  };
  var basemapLayer = function () { return basemapLines(renderer, map); };
  var zonePopup = function (z) {
    var rules = z.rules.map(function (k) { return D.policy.rules[k]; });
    var permits = D.policy.permits.filter(function (p) { return p.zones.indexOf(z.id) >= 0; });
    return "<b>" + esc(z.name) + "</b> (" + esc(z.id) + ")<br>" +
      (rules.length ? "<b>Rules</b><ul>" + rules.map(function (r) {
        return "<li>" + esc(r.hours) + ": " + esc(r.vehicles) + " " + esc(r.effect) + " <i>(" + esc(r.id) + ")</i></li>";
      }).join("") + "</ul>" : "No rules.") +
      (permits.length ? "<b>Permits</b><ul>" + permits.map(function (p) {
        return "<li>" + esc(p.id) + ": " + esc(p.eligible) + ", " + esc(p.hours) + "</li>";
      }).join("") + "</ul>" : "");
  };
  var zoneLayer = function (rd) {
    var group = L.layerGroup();
    D.policy.zones.forEach(function (z) {
      var kinds = z.rules.map(function (k) { return D.policy.rules[k].kind; });
      var kind = ["forbid", "permit", "fee", "penalty"].filter(function (k) { return kinds.indexOf(k) >= 0; })[0];
      var colour = KIND_COLOUR[kind] || "#555";
      var rings = z.polygons.map(function (poly) { return poly.map(decode); });
      group.addLayer(L.polygon(rings, { renderer: rd, color: colour, weight: 2.5, fillOpacity: 0.08, dashArray: "6 4" }).bindPopup(zonePopup(z)));
    });
    return group;
  };

  // ---------------------------------------------------------------- the main map
  var map = null, layers = {}, plan = null, planIndex = 0, control = null, streetLines = [];
  var counts = { routes: 0, stops: 0, streets: 0, violations: 0 };
  var kpi = function (p, scope, name) {
    for (var i = 0; i < p.kpis.length; i++) if (p.kpis[i].scope === scope && p.kpis[i].kpi === name) return p.kpis[i].value;
    return null;
  };
  var hourMax = 23;
  var MANY_STOPS = 3000;
  var streetScale = function (n, max) {
    var t = max > 1 ? (n - 1) / (max - 1) : 1;
    var c = [[253, 174, 97], [244, 109, 67], [215, 48, 39], [103, 0, 31]];
    var x = t * (c.length - 1), i = Math.min(c.length - 2, Math.floor(x)), f = x - i;
    var mix = function (j) { return Math.round(c[i][j] + (c[i + 1][j] - c[i][j]) * f); };
    return "rgb(" + mix(0) + "," + mix(1) + "," + mix(2) + ")";
  };
  var maxVehicles = 1;

  var stopPopup = function (r, s, k) {
    var rows = [
      ["Vehicle", r.vehicle], ["Stop", (k + 1) + " (" + s.kind + ")"], ["Order", s.order], ["Bay", s.bay],
      ["Station", s.station], ["Arrival", clock(s.arrival)], ["Service start", clock(s.start)], ["Departure", clock(s.departure)],
      ["Load after", s.load_kg != null ? num(s.load_kg, 1) + " kg" : null],
      ["Battery after", s.battery_kwh != null ? num(s.battery_kwh, 2) + " kWh" : null],
      ["Charged", s.charged_kwh != null ? num(s.charged_kwh, 2) + " kWh" : null],
      ["Walk", s.walk_m ? num(s.walk_m, 0) + " m" : null]
    ].filter(function (x) { return x[1] != null && x[1] !== ""; });
    return "<table>" + rows.map(function (x) { return "<tr><td>" + esc(x[0]) + "</td><td>" + esc(x[1]) + "</td></tr>"; }).join("") + "</table>";
  };

  var buildPlanLayers = function () {
    if (control) { map.removeControl(control); }
    ["routes", "stops", "streets", "violations", "bays", "lockers"].forEach(function (n) { if (layers[n]) map.removeLayer(layers[n]); });
    plan = D.plans[planIndex];
    var routes = L.layerGroup(), stops = L.layerGroup(), streets = L.layerGroup(), viol = L.layerGroup(), bays = L.layerGroup(), lockers = L.layerGroup();
    counts = { routes: 0, stops: 0, streets: 0, violations: 0 };
    if (plan) {
      plan.routes.forEach(function (r, k) {
        var colour = vehicleColour(plan, k);
        var line = decode(r.line);
        if (line.length > 1) {
          routes.addLayer(L.polyline(line, { renderer: renderer, color: colour, weight: 3, opacity: 1, dashArray: plan.straight ? "4 4" : null })
            .bindPopup("<b>" + esc(r.vehicle) + "</b><br>" + esc(r.class) + (r.permit ? " · permit " + esc(r.permit) : "") +
              "<br>" + clock(r.start) + " – " + clock(r.end) + (r.km != null ? " · " + num(r.km, 1) + " km" : "") +
              (r.cost_yuan != null ? " · " + num(r.cost_yuan, 2) + " yuan" : "") + " · " + r.stops.length + " stops"));
          counts.routes++;
        }
        r.stops.forEach(function (s, j) {
          if (!s.pos) return;
          stops.addLayer(L.circleMarker(ll(s.pos), { renderer: renderer, radius: s.kind === "service" ? 4 : 6, color: "#fff", weight: 1, fillColor: s.kind === "charge" ? TL.charge : s.kind === "reload" ? TL.reload : colour, fillOpacity: 1 })
            .bindPopup(stopPopup(r, s, j)));
          counts.stops++;
        });
      });
      maxVehicles = 1; hourMax = 23;
      plan.streets.forEach(function (st) {
        st.hours.forEach(function (h) { maxVehicles = Math.max(maxVehicles, h[1]); hourMax = Math.max(hourMax, h[0]); });
      });
      streetLines = plan.streets.map(function (st) {
        var byHour = {}; st.hours.forEach(function (h) { byHour[h[0]] = h; });
        var line = L.polyline(st.lines.map(decode), { renderer: renderer, weight: 0, opacity: 0 })
          .bindTooltip(function () { var h = byHour[currentHour()]; return esc(st.name || ("way " + st.way)) + " (" + esc(st.class) + "): " + (h ? h[1] + " vehicles, " + num(h[2], 2) + " vehicle-km" : "none") + " at " + clock(currentHour() * 3600); }, { sticky: true });
        line.cf = { street: st, byHour: byHour };
        streets.addLayer(line);
        counts.streets++;
        return line;
      });
      (plan.violations || []).forEach(function (v, k) {
        if (!v.pos) return;
        viol.addLayer(L.circleMarker(ll(v.pos), { renderer: renderer, radius: 9, color: "#b2182b", weight: 3, fillColor: "#fff", fillOpacity: 0.3 })
          .bindPopup("<b>Violation " + (k + 1) + "</b><br>" + esc(v.text)));
        counts.violations++;
      });
    }
    (D.places.bays || []).forEach(function (b) {
      var scope = "bay:" + b.id;
      var st = plan ? kpi(plan, scope, "stops") : null, peak = plan ? kpi(plan, scope, "peak_vehicles") : null;
      var occ = plan ? kpi(plan, scope, "occupancy") : null, over = plan ? kpi(plan, scope, "overflow") : null;
      var colour = over > 0 ? "#b2182b" : peak >= b.capacity ? "#e6550d" : st > 0 ? "#31a354" : "#969696";
      bays.addLayer(L.circleMarker(ll(b.pos), { renderer: renderer, radius: 3 + 2 * Math.min(b.capacity, 4), color: colour, weight: 2, fillColor: colour, fillOpacity: 0.25 })
        .bindPopup("<b>Loading bay " + esc(b.id) + "</b><table>" + [
          ["Capacity", b.capacity + " vehicles"], ["Hours", b.hours], ["Max dwell", b.max_dwell_min + " min (+" + b.clean_extra_min + " clean-energy)"],
          ["Walking radius", num(b.radius_m, 0) + " m"], ["Stops", st], ["Peak vehicles", peak],
          ["Occupancy", occ != null ? num(100 * occ, 1) + " %" : null], ["Overflow", over]
        ].filter(function (x) { return x[1] != null; }).map(function (x) { return "<tr><td>" + esc(x[0]) + "</td><td>" + esc(x[1]) + "</td></tr>"; }).join("") + "</table>"));
    });
    // Parcel lockers and pickup points: green when used, orange when full (fill from the KPIs).
    (D.places.lockers || []).forEach(function (l) {
      var scope = "locker:" + l.id;
      var left = plan ? kpi(plan, scope, "parcels_left") : null, fill = plan ? kpi(plan, scope, "fill") : null;
      var colour = fill > 1 ? "#b2182b" : fill >= 1 ? "#e6550d" : left > 0 ? "#31a354" : "#969696";
      lockers.addLayer(L.rectangle([[l.pos[1] - 0.0004, l.pos[0] - 0.0005], [l.pos[1] + 0.0004, l.pos[0] + 0.0005]], { renderer: renderer, color: colour, weight: 2, fillColor: colour, fillOpacity: 0.3 })
        .bindPopup("<b>" + (l.kind === "pickup_point" ? "Pickup point " : "Parcel locker ") + esc(l.id) + "</b><br>" + esc(l.name) + "<table>" + [
          ["Capacity", l.capacity + " parcels"], ["Hours", l.hours], ["Carriers", l.carriers],
          ["Parcels left", left], ["Fill", fill != null ? num(100 * fill, 1) + " %" : null]
        ].filter(function (x) { return x[1] != null; }).map(function (x) { return "<tr><td>" + esc(x[0]) + "</td><td>" + esc(x[1]) + "</td></tr>"; }).join("") + "</table>"));
    });
    layers.routes = routes; layers.stops = stops; layers.streets = streets; layers.violations = viol; layers.bays = bays; layers.lockers = lockers;
    // Very large plans start with the stops layer off: it is by far the costliest to redraw
    // (one canvas circle per stop), and at the city-wide zoom the dots hide each other.
    var manyStops = counts.stops > MANY_STOPS;
    [routes, streets, bays, lockers].concat(manyStops ? [] : [stops]).concat([viol]).forEach(function (l) { l.addTo(map); });
    $("stops-note").hidden = !manyStops;
    $("stops-note").textContent = "The Stops layer starts off for plans of more than " + MANY_STOPS.toLocaleString("en-US") + " stops (" + counts.stops.toLocaleString("en-US") + " here): switch it on in the layer list.";
    var overlays = {
      "Zones": layers.zones, "Streets by hour": streets, "Routes": routes, "Stops": stops, "Depots": layers.depots,
      "Loading bays": bays, "Chargers": layers.chargers
    };
    if ((D.places.lockers || []).length) overlays["Parcel lockers"] = lockers;
    if (D.kind === "check") overlays["Violations"] = viol;
    control = L.control.layers({ "Road network (OSM)": layers.basemap }, overlays, { collapsed: false }).addTo(map);
    $("hour").max = String(hourMax);
    // A submitted plan has times but no road paths: no street or zone-entry counts to show.
    $("hour-box").hidden = !!(plan && plan.straight);
    recolourStreets();
    drawEntries();
    drawViolations();
  };
  var currentHour = function () { return Number($("hour").value); };
  var recolourStreets = function () {
    var h = currentHour();
    $("hour-label").textContent = clock(h * 3600) + "–" + clock((h + 1) * 3600);
    var busy = [];
    streetLines.forEach(function (line) {
      var c = line.cf.byHour[h];
      if (c) {
        line.setStyle({ color: streetScale(c[1], maxVehicles), weight: 4 + Math.min(5, c[1]), opacity: 0.95 });
        busy.push([c[1], c[2], line.cf.street]);
      } else {
        line.setStyle({ weight: 0, opacity: 0 });
      }
    });
    busy.sort(function (a, b) { return b[0] - a[0] || b[1] - a[1]; });
    $("busiest").innerHTML = busy.slice(0, 12).map(function (b) {
      return "<li>" + esc(b[2].name || "(unnamed " + b[2].class + ")") + " <span class='n'>" + b[0] + "</span> veh · " + num(b[1], 1) + " veh-km</li>";
    }).join("") || "<li>no delivery traffic in this hour</li>";
    var steps = [];
    for (var n = 1; n <= maxVehicles; n = n < 3 ? n + 1 : n * 2) steps.push(n);
    if (steps[steps.length - 1] !== maxVehicles) steps.push(maxVehicles);
    $("street-legend").innerHTML = steps.map(function (n) { return "<span class='legend-row'><span class='swatch' style='background:" + streetScale(n, maxVehicles) + "'></span>" + n + "</span>"; }).join("") + " vehicles";
    drawEntries();
  };
  var drawEntries = function () {
    var box = $("entries-chart");
    if (!plan || !D.policy.zones.length) { box.innerHTML = "<p class='hint'>No zones in this policy.</p>"; return; }
    if (plan.straight) { box.innerHTML = "<p class='hint'>A submitted plan has no road paths: streets and zone entries per hour come with plans made by <code>cityfreight plan</code>. Routes are drawn stop to stop.</p>"; return; }
    var zones = D.policy.zones.map(function (z) { return z.id; });
    var per = {}, max = 1;
    plan.zone_entries.forEach(function (e) { var k = e[0] + "@" + e[1]; per[k] = e[2]; max = Math.max(max, e[2]); });
    var hours = Math.max(24, hourMax + 1), w = 300, bh = 60, cw = w / hours, h = currentHour();
    var svg = zones.map(function (z) {
      var bars = "";
      for (var i = 0; i < hours; i++) {
        var n = per[z + "@" + i] || 0, y = bh * n / max;
        bars += "<rect x='" + (i * cw + 0.5) + "' y='" + (bh - y) + "' width='" + (cw - 1) + "' height='" + y + "' fill='" + (i === h ? "#b2182b" : "#4a7bd0") + "'><title>" + clock(i * 3600) + ": " + n + " entries</title></rect>";
      }
      var ticks = "";
      for (var t = 0; t < hours; t += 6) ticks += "<text x='" + (t * cw) + "' y='" + (bh + 11) + "' font-size='9'>" + t + "h</text>";
      var total = plan.zone_entries.filter(function (e) { return e[0] === z; }).reduce(function (a, e) { return a + e[2]; }, 0);
      return "<div class='chart'><h4>" + esc(z) + ": " + total + " entries (max " + max + "/h)</h4><svg width='" + w + "' height='" + (bh + 14) + "'>" + bars + ticks + "</svg></div>";
    }).join("");
    box.innerHTML = svg;
  };
  var drawViolations = function () {
    var vs = plan ? plan.violations || [] : [];
    $("violations-box").hidden = vs.length === 0 && D.kind !== "check";
    $("violation-count").textContent = "(" + vs.length + ")";
    $("violations").innerHTML = vs.map(function (v, k) { return "<li data-k='" + k + "'>" + esc(v.text) + (v.pos ? "" : " <i>(not placed)</i>") + "</li>"; }).join("") || "<li>none: compliant</li>";
    Array.prototype.forEach.call($("violations").children, function (li) {
      li.onclick = function () { var v = vs[Number(li.dataset.k)]; if (v && v.pos) map.setView(ll(v.pos), 16); };
    });
  };
  var drawMap = function () {
    if (D.kind === "policy") return;
    map = L.map("map", { preferCanvas: true, renderer: renderer, zoomSnap: 0.25 });
    map.attributionControl.setPrefix("Leaflet");
    map.attributionControl.addAttribution(esc(D.attribution));
    var b = D.basemap.bounds;
    map.fitBounds([ll(b[0]), ll(b[1])]);
    layers.basemap = basemapLayer().addTo(map);
    layers.zones = zoneLayer(renderer).addTo(map);
    layers.depots = L.layerGroup();
    (D.places.depots || []).forEach(function (d) {
      layers.depots.addLayer(L.circleMarker(ll(d.pos), { renderer: renderer, radius: 9, color: "#000", weight: 2, fillColor: d.centre ? "#fff" : carrierColour(d.carrier), fillOpacity: 1 })
        .bindPopup("<b>" + (d.centre ? "Consolidation centre " : "Depot of ") + esc(d.id) + "</b>"));
    });
    layers.depots.addTo(map);
    layers.chargers = L.layerGroup();
    (D.places.chargers || []).forEach(function (c) {
      layers.chargers.addLayer(L.circleMarker(ll(c.pos), { renderer: renderer, radius: 6, color: TL.charge, weight: 3, fillColor: "#fff", fillOpacity: 1 })
        .bindPopup("<b>Charger " + esc(c.id) + "</b><br>" + num(c.power_kw, 0) + " kW × " + c.connectors + " · " + esc(c.hours) + " · " + num(c.price_yuan_per_kwh, 2) + " yuan/kWh"));
    });
    layers.chargers.addTo(map);
    var b2 = [];
    D.plans.forEach(function (p) { p.routes.forEach(function (r) { r.stops.forEach(function (s) { if (s.pos) b2.push(ll(s.pos)); }); }); });
    (D.places.depots || []).forEach(function (d) { b2.push(ll(d.pos)); });
    if (b2.length > 1) map.fitBounds(L.latLngBounds(b2).pad(0.05));
    buildPlanLayers();
    $("hour").addEventListener("input", recolourStreets);
  };

  // ---------------------------------------------------------------- schedule
  var drawSchedule = function () {
    var box = $("timelines");
    if (!plan) { box.innerHTML = ""; return; }
    var lo = Infinity, hi = -Infinity;
    plan.routes.forEach(function (r) { r.timeline.forEach(function (s) { lo = Math.min(lo, s[1]); hi = Math.max(hi, s[2]); }); });
    if (!isFinite(lo)) { box.innerHTML = "<p>No routes.</p>"; return; }
    lo = Math.floor(lo / 3600) * 3600; hi = Math.ceil(hi / 3600) * 3600;
    var W = 1000, x = function (t) { return (t - lo) / (hi - lo) * W; };
    $("timeline-legend").innerHTML = Object.keys(TL).map(function (k) { return "<span class='legend-row'><span class='swatch' style='background:" + TL[k] + "'></span>" + k + "</span>"; }).join("") +
      "<span class='hint'>Hover a bar for times and the reason of a wait.</span>";
    var axis = "";
    for (var t = lo; t <= hi; t += 3600) axis += "<line x1='" + x(t) + "' x2='" + x(t) + "' y1='0' y2='18' stroke='#ccc'/><text x='" + (x(t) + 2) + "' y='12' font-size='10'>" + clock(t) + "</text>";
    var html = "<div class='tl-row'><div class='tl-label'></div><svg viewBox='0 0 " + W + " 18' preserveAspectRatio='none' height='18'>" + axis + "</svg></div>";
    plan.routes.forEach(function (r) {
      var bars = r.timeline.map(function (s) {
        return "<rect x='" + x(s[1]) + "' y='" + (s[0] === "drive" ? 4 : 2) + "' width='" + Math.max(0.5, x(s[2]) - x(s[1])) + "' height='" + (s[0] === "drive" ? 10 : 14) + "' fill='" + TL[s[0]] + "'><title>" + esc(s[0]) + " " + clock(s[1]) + "–" + clock(s[2]) + (s[3] ? ": " + esc(s[3]) : "") + "</title></rect>";
      }).join("");
      html += "<div class='tl-row'><div class='tl-label' title='" + esc(r.vehicle) + "'><span class='swatch' style='background:" + carrierColour(r.carrier) + "'></span>" + esc(r.vehicle) + "</div><svg viewBox='0 0 " + W + " 18' preserveAspectRatio='none' height='18'>" + bars + "</svg></div>";
    });
    box.innerHTML = html;
  };

  // ---------------------------------------------------------------- tables
  var table = function (head, rows, id) {
    return "<table" + (id ? " id='" + id + "'" : "") + "><tr>" + head.map(function (h) { return "<th>" + esc(h) + "</th>"; }).join("") + "</tr>" +
      rows.map(function (r) {
        return "<tr>" + r.map(function (c) {
          if (typeof c === "object" && c !== null) return "<td class='num " + (c.cls || "") + "'>" + c.html + "</td>";
          var numeric = typeof c === "number" || /^[-+]?[\d,.]+( ± [\d,.]+)?$/.test(String(c));
          return "<td" + (numeric ? " class='num'" : "") + ">" + esc(c) + "</td>";
        }).join("") + "</tr>";
      }).join("") + "</table>";
  };
  // Which way is better, per KPI name (others are shown without colour).
  var LOWER_IS_BETTER = /^(cost|cost_per_parcel|vehicle_km|vehicle_hours|co2_.*|nox|pm25|energy_electric|energy_fuel|zone_fees|zone_penalties|charging_cost|unserved|walk_km|vehicles|vehicles_.*|entries|vehicles_entering|vehicle_km_inside|fees|overflow)$/;
  var HIGHER_IS_BETTER = /^(orders_served|on_time_rate|load_factor|parcels)$/;
  var judge = function (kpiName, change) {
    if (!change) return "";
    if (LOWER_IS_BETTER.test(kpiName)) return change < 0 ? "better" : "worse";
    if (HIGHER_IS_BETTER.test(kpiName)) return change > 0 ? "better" : "worse";
    return "";
  };
  var changeCell = function (kpiName, change) {
    if (change == null) return "";
    return { cls: judge(kpiName, change), html: (change > 0 ? "+" : "") + num(change) };
  };
  var scopesOf = function (rows, prefix) {
    var out = [];
    rows.forEach(function (r) { if ((prefix === "all" ? r.scope === "all" : r.scope.indexOf(prefix + ":") === 0) && out.indexOf(r.scope) < 0) out.push(r.scope); });
    return out;
  };
  var kpiTable = function (rows, scopes, id) {
    var names = [];
    rows.forEach(function (r) { if (scopes.indexOf(r.scope) >= 0 && names.indexOf(r.kpi) < 0) names.push(r.kpi); });
    var get = {}; rows.forEach(function (r) { get[r.scope + "|" + r.kpi] = r; });
    return table(["KPI", "unit"].concat(scopes), names.map(function (n) {
      var unit = ""; scopes.forEach(function (s) { var r = get[s + "|" + n]; if (r) unit = r.unit; });
      return [n, unit].concat(scopes.map(function (s) { var r = get[s + "|" + n]; return r ? num(r.value) : ""; }));
    }), id);
  };
  var drawTables = function () {
    var box = $("tables");
    if (!plan) { box.innerHTML = ""; return; }
    var rows = plan.kpis, html = "";
    if (rows.length) {
      html += "<h2>KPIs: the whole plan and each carrier (" + esc(plan.label) + ")</h2>" + kpiTable(rows, scopesOf(rows, "all").concat(scopesOf(rows, "carrier")), "kpi-table");
      var zones = scopesOf(rows, "zone"); if (zones.length) html += "<h2>Zones</h2>" + kpiTable(rows, zones);
      var permits = scopesOf(rows, "permit");
      if (permits.length) {
        html += "<h2>Permits</h2>" + kpiTable(rows, permits);
        html += table(["permit", "used", "by carrier"], plan.permits.map(function (p) { return [p.id, p.used, Object.keys(p.per_carrier).map(function (c) { return c + ": " + p.per_carrier[c]; }).join(", ")]; }));
      }
      var bays = scopesOf(rows, "bay").filter(function (s) { return kpi(plan, s, "stops") > 0; });
      if (bays.length) html += "<h2>Loading bays in use (" + bays.length + " of " + scopesOf(rows, "bay").length + ")</h2>" + kpiTable(rows, bays);
    }
    html += "<h2>Routes</h2>" + table(["vehicle", "class", "permit", "start", "end", "km", "stops", "trips", "cost (yuan)"], plan.routes.map(function (r) {
      return [r.vehicle, r.class, r.permit || "", clock(r.start), clock(r.end), r.km != null ? num(r.km, 1) : "", r.stops.length, r.trips != null ? r.trips : "", r.cost_yuan != null ? num(r.cost_yuan, 2) : ""];
    }), "route-table");
    if (plan.unserved.length) html += "<h2>Unserved orders (" + plan.unserved.length + ")</h2>" + table(["carrier", "order", "reason"], plan.unserved.map(function (u) { return [u.carrier, u.order, u.reason]; }));
    html += "<h2>Checker</h2>" + ((plan.violations || []).length ? "<ol>" + plan.violations.map(function (v) { return "<li>" + esc(v.text) + "</li>"; }).join("") + "</ol>" : "<span class='verdict ok'>feasible: the independent checker found no violation</span>");
    box.innerHTML = html;
  };

  // ---------------------------------------------------------------- bar charts (inline SVG)
  var bars = function (title, items, unit) {
    var w = 300, rowH = 16, labelW = 110, max = 0;
    items.forEach(function (it) { max = Math.max(max, Math.abs(it[1])); });
    if (max === 0) max = 1;
    var mid = labelW + (w - labelW) / 2, half = (w - labelW) / 2 - 30;
    var svg = items.map(function (it, i) {
      var len = half * Math.abs(it[1]) / max, x = it[1] < 0 ? mid - len : mid, y = i * rowH;
      return "<text x='0' y='" + (y + 12) + "' font-size='11'>" + esc(it[0]) + "</text><rect x='" + x + "' y='" + (y + 2) + "' width='" + Math.max(len, 0.5) + "' height='" + (rowH - 4) + "' fill='" + ({ better: "#2ca25f", worse: "#d6604d" }[judge(it[2] || "", it[1])] || "#8c8c8c") + "'><title>" + esc(it[0]) + ": " + num(it[1]) + " " + esc(unit) + "</title></rect>" +
        "<text x='" + (it[1] < 0 ? x - 2 : x + len + 2) + "' y='" + (y + 12) + "' font-size='10' text-anchor='" + (it[1] < 0 ? "end" : "start") + "'>" + (it[1] > 0 ? "+" : "") + num(it[1]) + "</text>";
    }).join("");
    return "<div class='chart'><h4>" + esc(title) + " (" + esc(unit) + ")</h4><svg width='" + w + "' height='" + (items.length * rowH + 4) + "'><line x1='" + mid + "' x2='" + mid + "' y1='0' y2='" + items.length * rowH + "' stroke='#999'/>" + svg + "</svg></div>";
  };
  var comparisonTable = function (rows, a, b, id) {
    return table(["scope", "KPI", "unit", a, b, "change"], rows.map(function (r) { return [r.scope, r.kpi, r.unit, num(r.a), num(r.b), changeCell(r.kpi, r.b - r.a)]; }), id);
  };

  var drawShare = function () {
    var s = D.share, box = $("share");
    var html = "<h2>Separate versus shared distribution (共同配送)</h2><p>Separate: <b>" + num(s.separate_cost, 2) + "</b> yuan · pooled: <b>" + num(s.pooled_cost, 2) + "</b> yuan · saving <b>" + num(s.saving, 2) + "</b> yuan (" + num(100 * s.saving / (s.separate_cost || 1), 1) + " %)</p>" +
      "<p><span class='verdict " + (s.core_ok ? "ok" : "bad") + "'>" + (s.core_ok ? "Shapley allocation in the core: no group of carriers pays more than it would alone" : "Shapley allocation NOT in the core: some group would pay less alone") + "</span> · Shapley values " + esc(s.method) + "</p>";
    html += "<h2>Allocation of the pooled cost (yuan)</h2>" + table(["carrier", "alone", "Shapley", "proportional", "Shapley saving"], s.carriers.map(function (c) {
      return [c.id, num(c.standalone, 2), num(c.shapley, 2) + (c.half_width_95 ? " ± " + num(c.half_width_95, 2) : ""), num(c.proportional, 2), changeCell("cost", c.shapley - c.standalone)];
    }), "allocation-table");
    html += "<div class='charts'>" + bars("Shapley share minus stand-alone cost", s.carriers.map(function (c) { return [c.id, c.shapley - c.standalone, "cost"]; }), "yuan") +
      bars("Proportional share minus stand-alone cost", s.carriers.map(function (c) { return [c.id, c.proportional - c.standalone, "cost"]; }), "yuan") + "</div>";
    html += "<h2>Coalitions</h2>" + table(["members", "cost (yuan)"], s.coalitions.map(function (c) { return [c.members.join(" + "), num(c.cost, 2)]; }));
    if (s.pooled_worse_than_split.length) html += "<p>Pooling " + esc(s.pooled_worse_than_split.join(", ")) + " cost more than running them split; the split cost is used.</p>";
    html += "<h2>KPIs separate versus pooled</h2>" + comparisonTable(s.comparison.filter(function (r) { return r.scope === "all" || r.scope.indexOf("carrier:") === 0 || r.scope.indexOf("zone:") === 0; }), "separate", "pooled", "share-comparison");
    box.innerHTML = html;
  };
  var drawTwoTier = function () {
    var t = D.two_tier, rows = t.comparison.filter(function (r) { return r.scope === "all" || r.scope.indexOf("zone:") === 0; });
    var head = ["vehicles", "vehicle_km", "cost", "co2_well_to_wheel", "nox", "energy_fuel", "energy_electric"];
    var pick = rows.filter(function (r) { return r.scope === "all" && head.indexOf(r.kpi) >= 0; });
    $("two-tier").innerHTML = "<h2>Direct vans versus two-tier delivery</h2><div class='charts'>" +
      pick.map(function (r) { return bars(r.kpi + ": two-tier minus direct", [["change", r.b - r.a, r.kpi]], r.unit); }).join("") + "</div>" +
      comparisonTable(rows, "direct", "two-tier", "two-tier-comparison") +
      (t.violations.length ? "<h2>Checker</h2><ol>" + t.violations.map(function (v) { return "<li>" + esc(v) + "</li>"; }).join("") + "</ol>" : "<span class='verdict ok'>both plans feasible</span>");
  };
  var drawSweep = function () {
    var s = D.sweep, ok = s.variants.filter(function (v) { return v.status === "ok"; });
    var headline = ["cost", "vehicles", "vehicle_km", "co2_well_to_wheel", "nox", "orders_served", "zone_fees", "walk_km"];
    var val = function (v, scope, k) { for (var i = 0; i < v.kpis.length; i++) if (v.kpis[i].scope === scope && v.kpis[i].kpi === k) return v.kpis[i]; return null; };
    var names = [];
    ok.forEach(function (v) { v.kpis.forEach(function (r) { if ((r.scope === "all" || r.scope.indexOf("zone:") === 0) && names.indexOf(r.scope + "|" + r.kpi) < 0) names.push(r.scope + "|" + r.kpi); }); });
    var html = "<h2>Sweep: every variant against the baseline <i>" + esc(s.baseline) + "</i></h2><div class='charts'>";
    headline.forEach(function (k) {
      var items = ok.filter(function (v) { return v.name !== s.baseline; }).map(function (v) { var r = val(v, "all", k); return [v.name, r && r.change != null ? r.change : 0, k]; });
      var base = s.variants.filter(function (v) { return v.name === s.baseline; })[0], br = base ? val(base, "all", k) : null;
      if (br) html += bars(k + " change (baseline " + num(br.value) + ")", items, br.unit);
    });
    html += "</div>";
    html += table(["scope", "KPI", "unit"].concat(s.variants.map(function (v) { return v.name; })), names.map(function (n) {
      var sk = n.split("|"), unit = "";
      var cells = s.variants.map(function (v) {
        if (v.status !== "ok") return "failed";
        var r = val(v, sk[0], sk[1]); if (!r) return "";
        unit = r.unit;
        if (v.name === s.baseline || r.change == null) return num(r.value);
        var c = changeCell(sk[1], r.change);
        return { cls: c.cls, html: num(r.value) + " <small>(" + (r.change > 0 ? "+" : "") + num(r.change) + ")</small>" };
      });
      return [sk[0], sk[1], unit].concat(cells);
    }), "sweep-table");
    var failed = s.variants.filter(function (v) { return v.status !== "ok"; });
    if (failed.length) html += "<h2>Failed variants</h2><ul>" + failed.map(function (v) { return "<li>" + esc(v.name) + ": " + esc(v.error) + "</li>"; }).join("") + "</ul>";
    $("sweep").innerHTML = html;
  };
  var drawCheck = function () {
    var p = D.plans[0], c = D.check;
    $("check").innerHTML = "<h2>Check of a submitted plan</h2><p><span class='verdict " + (c.compliant ? "ok" : "bad") + "'>" + (c.compliant ? "compliant" : "not compliant: " + c.violations + " violation(s)") + "</span> · " + p.routes.length + " routes checked</p>" +
      "<h2>Violations</h2>" + (p.violations.length ? table(["#", "violation", "on the map"], p.violations.map(function (v, k) { return [k + 1, v.text, v.pos ? "yes" : "no (about the whole plan)"]; }), "violation-table") : "<p>None.</p>") +
      (p.fees_due.length ? "<h2>Zone fees and penalties due</h2>" + table(["vehicle", "carrier", "yuan"], p.fees_due.map(function (f) { return [f.vehicle, f.carrier, num(f.yuan, 2)]; })) : "");
  };

  // ---------------------------------------------------------------- public notice
  var drawNotice = function () {
    var P = D.policy, html = "<h2>Public notice: delivery vehicle access conditions</h2><p class='hint'>公开准入条件、引入社会监督 — the zones, their rules and hours, and the permits with who may hold them, how many there are and how they were allocated.</p>";
    if (!P.zones.length) html += "<p>This policy has no zones: delivery vehicles follow only the road network's own rules.</p>";
    P.zones.forEach(function (z) {
      html += "<h3>Zone " + esc(z.name) + " <small>(" + esc(z.id) + ")</small></h3><ul>" + z.rules.map(function (k) {
        var r = P.rules[k];
        return "<li><b>" + esc(r.hours) + "</b>: " + esc(r.vehicles) + " " + esc(r.effect) + ". <small>(rule " + esc(r.id) + ")</small></li>";
      }).join("") + "</ul>";
    });
    if (P.permits.length) {
      html += "<h3>Permits</h3>";
      P.permits.forEach(function (p) {
        var quota = p.quota_total != null ? p.quota_total + " vehicles in total" : "no total limit";
        var per = p.quota_per_carrier.length ? "; per carrier: " + p.quota_per_carrier.map(function (q) { return q[0] + " " + q[1]; }).join(", ") : "";
        html += "<p><b>" + esc(p.id) + "</b> opens zone " + esc(p.zones.join(", ")) + " (" + esc(p.hours) + ") to " + esc(p.eligible) + ". Quota: " + esc(quota + per) + ". Fee: " + num(p.fee_yuan, 2) + " yuan per vehicle per day.</p>";
        D.plans.forEach(function (pl) {
          var used = (pl.permits || []).filter(function (x) { return x.id === p.id; })[0];
          if (used) html += "<p class='hint'>Allocated in " + esc(pl.label) + ": " + used.used + (p.quota_total != null ? " of " + p.quota_total : "") + " (" + (Object.keys(used.per_carrier).map(function (c) { return c + " " + used.per_carrier[c]; }).join(", ") || "none") + ").</p>";
        });
      });
    }
    $("notice").innerHTML = html;
  };
  var noticeMap = null;
  var drawNoticeMap = function () {
    if (noticeMap) { noticeMap.invalidateSize(); return; }
    var rd = L.canvas({ padding: 0.3 });
    noticeMap = L.map("notice-map", { preferCanvas: true, renderer: rd });
    noticeMap.attributionControl.setPrefix("Leaflet");
    noticeMap.attributionControl.addAttribution(esc(D.attribution));
    var b = D.basemap.bounds;
    noticeMap.fitBounds([ll(b[0]), ll(b[1])]);
    basemapLines(rd, noticeMap).addTo(noticeMap);
    var zones = zoneLayer(rd).addTo(noticeMap);
    // On the notice map each zone carries its name and rules in words.
    var k = 0;
    zones.eachLayer(function (l) {
      var z = D.policy.zones[k++];
      if (!z) return;
      l.bindTooltip("<b>" + esc(z.name) + "</b><br>" + z.rules.map(function (i) { var r = D.policy.rules[i]; return esc(r.hours) + ": " + esc(r.vehicles) + " " + esc(r.effect); }).join("<br>"), { permanent: true, direction: "center", className: "zone-label" });
    });
    var all = [];
    D.policy.zones.forEach(function (z) { z.polygons.forEach(function (p) { p.forEach(function (ring) { all = all.concat(decode(ring)); }); }); });
    if (all.length > 1) noticeMap.fitBounds(L.latLngBounds(all).pad(0.3));
  };

  // ---------------------------------------------------------------- plan selector
  var redrawPlan = function () {
    if (map) buildPlanLayers(); else plan = D.plans[planIndex];
    drawSchedule(); drawTables();
  };
  if (D.plans.length > 1) {
    $("plan-pick").hidden = false;
    D.plans.forEach(function (p, k) { var o = document.createElement("option"); o.value = k; o.textContent = p.label; $("plan-select").appendChild(o); });
    $("plan-select").onchange = function () { planIndex = Number(this.value); redrawPlan(); };
  }
  plan = D.plans[0] || null;
  drawMap();
  drawSchedule(); drawTables();
  if (D.share) drawShare();
  if (D.two_tier) drawTwoTier();
  if (D.sweep) drawSweep();
  if (D.kind === "check") drawCheck();
  drawNotice();
  show(D.kind === "policy" ? "notice" : D.kind === "sweep" ? "sweep" : D.kind === "check" ? "check" : "map");

  // For tests and scripting: what the page drew.
  window.cfReport = {
    ready: true,
    data: D,
    counts: function () { return counts; },
    show: show,
    setHour: function (h) { $("hour").value = String(h); recolourStreets(); },
    streetState: function () {
      return streetLines.map(function (l) { return l.options.opacity > 0 ? l.options.color + "/" + l.options.weight : "-"; }).join(",");
    },
    layerVisible: function (name) { return !!(map && layers[name] && map.hasLayer(layers[name])); },
    map: function () { return map; }
  };
})();
