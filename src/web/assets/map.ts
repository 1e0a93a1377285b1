/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Draws the maps of src/web/map.tsx: each `[data-module="map"]` block carries its data and its texts in
// data-* attributes and stays hidden until a map is drawn in it. Loaded only on pages that show a map.
// Markers are HTML (divIcon), not Leaflet's PNG icons: no image paths, and they take keyboard focus.
import L from "leaflet";
// The plugin attaches itself to the global `L`, which importing Leaflet has just set.
import "leaflet.markercluster";

/** A text from the server with `{name}` placeholders filled in. */
function fill(text: string, values: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

/** Text for Leaflet's HTML strings (attribution, divIcon html). */
function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const numbers = (s: string | undefined) => (s ?? "").split(",").map(Number);

function latLngOf(s: string | undefined): L.LatLng | undefined {
  const [lat, lng] = numbers(s);
  return Number.isFinite(lat) && Number.isFinite(lng) && s ? L.latLng(lat!, lng!) : undefined;
}

function boundsOf(s: string | undefined): L.LatLngBounds | undefined {
  const [south, west, north, east] = numbers(s);
  if (![south, west, north, east].every(Number.isFinite) || !s) return undefined;
  return L.latLngBounds([south!, west!], [north!, east!]);
}

/** The map in a block: tiles, translated zoom buttons, attribution, keyboard panning and zooming. */
function drawMap(block: HTMLElement, options: { maxBounds?: L.LatLngBounds } = {}): L.Map {
  const data = block.dataset;
  const element = block.querySelector<HTMLElement>(".map");
  if (!element) throw new Error("map block without a .map element");
  block.hidden = false;
  const map = L.map(element, {
    keyboard: true,
    zoomControl: false,
    attributionControl: false,
    // The page scrolls under the wheel; the buttons, +/− keys, double click and pinch zoom the map.
    scrollWheelZoom: false,
    ...(options.maxBounds ? { maxBounds: options.maxBounds.pad(0.1), maxBoundsViscosity: 0.8 } : {}),
  });
  L.control.zoom({ zoomInTitle: data.zoomIn ?? "+", zoomOutTitle: data.zoomOut ?? "−" }).addTo(map);
  L.control
    .attribution({ prefix: '<a href="https://leafletjs.com">Leaflet</a>' })
    .addAttribution(escapeHtml(data.attribution ?? ""))
    .addTo(map);
  L.tileLayer(data.tiles ?? "", { maxZoom: 19 }).addTo(map);
  // Leaflet's popup close button says "Close popup" in English whatever the page language.
  map.on("popupopen", (event) => {
    const close = event.popup.getElement()?.querySelector(".leaflet-popup-close-button");
    if (close && data.closePopup) close.setAttribute("aria-label", data.closePopup);
  });
  return map;
}

function markerIcon(kind: "pin" | "case" | "approximate"): L.DivIcon {
  return L.divIcon({
    className: `map-marker map-marker--${kind}`,
    html: "",
    iconSize: [22, 22],
    iconAnchor: [11, 11],
    popupAnchor: [0, -10],
  });
}

/** The journey's pin: click, tap, drag, Enter at the centre, or the device's location fill the form. */
function pinMap(block: HTMLElement): void {
  const data = block.dataset;
  const form = block.closest("form");
  const latitude = form?.querySelector<HTMLInputElement>("input[name=latitude]");
  const longitude = form?.querySelector<HTMLInputElement>("input[name=longitude]");
  if (!latitude || !longitude) return;
  const status = block.querySelector<HTMLElement>(".map-block__status");
  const remove = block.querySelector<HTMLButtonElement>("[data-map-remove]");
  const locate = block.querySelector<HTMLButtonElement>("[data-map-locate]");
  const say = (text: string) => {
    if (status) status.textContent = text;
  };

  const map = drawMap(block, { maxBounds: boundsOf(data.bounds) });
  let marker: L.Marker | undefined;

  const show = (at: L.LatLng) => {
    if (!marker) {
      // Dragged with a pointer; keyboard users move the map and press Enter instead.
      marker = L.marker(at, {
        icon: markerIcon("pin"),
        draggable: true,
        keyboard: false,
        title: data.marker ?? "",
      }).addTo(map);
      marker.on("dragend", () => marker && place(marker.getLatLng()));
    } else marker.setLatLng(at);
    if (remove) remove.hidden = false;
    say(
      fill(data.placed ?? "", {
        latitude: at.lat.toFixed(5),
        longitude: at.lng.toFixed(5),
      }),
    );
  };

  // Six decimals (about 10 cm) is more than a pin dropped by hand can mean.
  const place = (at: L.LatLng) => {
    const rounded = L.latLng(Number(at.lat.toFixed(6)), Number(at.lng.toFixed(6)));
    latitude.value = String(rounded.lat);
    longitude.value = String(rounded.lng);
    show(rounded);
  };

  const given = latLngOf(latitude.value && longitude.value ? `${latitude.value},${longitude.value}` : "");
  if (given) {
    map.setView(given, 17);
    show(given);
  } else {
    map.setView(latLngOf(data.centre) ?? L.latLng(0, 0), 14);
    say(data.none ?? "");
  }

  map.on("click", (event: L.LeafletMouseEvent) => place(event.latlng));
  // Enter or Space on the focused map places the pin at its centre (marked by a cross while focused).
  map.getContainer().addEventListener("keydown", (event) => {
    if (event.target !== map.getContainer() || (event.key !== "Enter" && event.key !== " ")) return;
    event.preventDefault();
    place(map.getCenter());
  });

  remove?.addEventListener("click", () => {
    latitude.value = "";
    longitude.value = "";
    marker?.remove();
    marker = undefined;
    remove.hidden = true;
    say(data.none ?? "");
    map.getContainer().focus();
  });

  if (locate && "geolocation" in navigator) {
    locate.hidden = false;
    locate.addEventListener("click", () => {
      say(data.locating ?? "");
      navigator.geolocation.getCurrentPosition(
        (position) => {
          const at = L.latLng(position.coords.latitude, position.coords.longitude);
          map.setView(at, 17);
          place(at);
        },
        () => say(data.locateFailed ?? ""),
        { enableHighAccuracy: true, timeout: 15_000, maximumAge: 60_000 },
      );
    });
  }
}

/** A case's place: a marker where it is exact, a circle of about the rounding where it is approximate. */
function caseMap(block: HTMLElement): void {
  const at = latLngOf(block.dataset.centre);
  if (!at) return;
  const map = drawMap(block);
  if (block.dataset.precision === "approximate") {
    // Coordinates rounded to 3 decimals lie within about 80 m of the true point.
    L.circle(at, { radius: 120, interactive: false, className: "map-area" }).addTo(map);
    map.setView(at, 15);
  } else {
    L.marker(at, { icon: markerIcon("case"), interactive: false, keyboard: false }).addTo(map);
    map.setView(at, 16);
  }
}

interface CasePoint {
  trackingCode: string;
  title: string;
  status: string;
  latitude: number;
  longitude: number;
  precision: "exact" | "approximate";
}

/** A popup's content, built as elements: titles are citizens' text, never HTML. */
function popupContent(p: CasePoint, statuses: Record<string, string>, approximate: string): HTMLElement {
  const box = document.createElement("div");
  box.className = "map-popup";
  const title = document.createElement("p");
  title.className = "map-popup__title";
  const link = document.createElement("a");
  link.href = `/cases/${encodeURIComponent(p.trackingCode)}`;
  link.textContent = p.title;
  title.append(link);
  const meta = document.createElement("p");
  meta.className = "map-popup__meta";
  meta.textContent = `${p.trackingCode} · ${statuses[p.status] ?? p.status}`;
  box.append(title, meta);
  if (p.precision === "approximate") {
    const note = document.createElement("p");
    note.className = "map-popup__meta";
    note.textContent = approximate;
    box.append(note);
  }
  return box;
}

/** The public list's cases, clustered; a marker's popup links to its case. */
async function casesMap(block: HTMLElement): Promise<void> {
  const data = block.dataset;
  const status = block.querySelector<HTMLElement>(".map-block__status");
  const say = (text: string) => {
    if (status) status.textContent = text;
  };
  // Nothing to draw, or nothing to draw it with: a sentence instead of an empty map.
  const instead = (text: string) => {
    block.hidden = false;
    block.querySelector<HTMLElement>(".map")?.setAttribute("hidden", "");
    say(text);
  };
  let body: { points: CasePoint[]; truncated: boolean };
  try {
    const response = await fetch(data.source ?? "", { headers: { accept: "application/json" } });
    if (!response.ok) throw new Error(`status ${response.status}`);
    body = await response.json();
  } catch {
    return instead(data.failed ?? "");
  }
  if (body.points.length === 0) return instead(data.none ?? "");

  const map = drawMap(block, { maxBounds: boundsOf(data.bounds) });

  const statuses = JSON.parse(data.statuses ?? "{}") as Record<string, string>;
  const clusters = L.markerClusterGroup({
    showCoverageOnHover: false,
    chunkedLoading: true,
    maxClusterRadius: 50,
    iconCreateFunction: (cluster) => {
      const n = cluster.getChildCount();
      const label = fill(data.cluster ?? "{number}", { number: n });
      return L.divIcon({
        className: "map-cluster",
        html: `<span aria-hidden="true">${n}</span><span class="visually-hidden">${escapeHtml(label)}</span>`,
        iconSize: [40, 40],
      });
    },
  });
  for (const p of body.points) {
    const approximate = p.precision === "approximate";
    clusters.addLayer(
      L.marker([p.latitude, p.longitude], {
        icon: markerIcon(approximate ? "approximate" : "case"),
        keyboard: true,
        // The accessible name of the marker (a button): the case it stands for.
        title: approximate ? `${p.title} (${data.approximate ?? ""})` : p.title,
      }).bindPopup(popupContent(p, statuses, data.approximate ?? "")),
    );
  }
  // The view first: the cluster layer is drawn for the zoom it finds when added.
  const extent = L.latLngBounds(body.points.map((p) => L.latLng(p.latitude, p.longitude)));
  map.fitBounds(extent, { maxZoom: 15, padding: [20, 20] });
  map.addLayer(clusters);
  const shown = fill(data.shown ?? "", { number: body.points.length });
  say(body.truncated ? `${shown} ${data.truncated ?? ""}` : shown);
}

function start(): void {
  for (const block of document.querySelectorAll<HTMLElement>('[data-module="map"]')) {
    // A map that cannot be drawn leaves the page as it was without JavaScript.
    try {
      if (block.dataset.map === "pin") pinMap(block);
      else if (block.dataset.map === "case") caseMap(block);
      else if (block.dataset.map === "cases")
        casesMap(block).catch(() => {
          block.hidden = true;
        });
    } catch {
      block.hidden = true;
    }
  }
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
