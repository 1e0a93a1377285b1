// Maps, as an enhancement only: each component renders a block that stays `hidden` until the map script
// (assets/map.ts) draws a Leaflet map in it, so without JavaScript, or with maps switched off
// (MAP_TILE_URL empty), the page is exactly what it was — the address field, the coordinates, the list.
// The map's script and stylesheet come with the block, so only pages that show a map load them. Data
// reaches the script through data-* attributes (the CSP forbids inline scripts); every text it shows is
// translated here, on the server.
import type { PublicCase } from "../cases/publicView.ts";
import { CASE_STATUSES } from "../cases/statuses.ts";
import type { Profile } from "../reference/profile.ts";
import type { PageContext } from "./context.ts";
import { attributeText } from "./forms.tsx";

export interface MapPoint {
  latitude: number;
  longitude: number;
}

export interface MapBounds {
  south: number;
  west: number;
  north: number;
  east: number;
}

/** Where a map opens and how far it may be moved. */
export interface MapPlace {
  centre: MapPoint;
  bounds: MapBounds;
}

/** The whole country: its middle, and its extent (profile.json), for a map of cases anywhere in it. */
export function countryPlace(profile: Pick<Profile, "bounds">): MapPlace {
  const { south, west, north, east } = profile.bounds;
  return {
    centre: { latitude: (south + north) / 2, longitude: (west + east) / 2 },
    bounds: { south, west, north, east },
  };
}

/** Where a municipality's maps open: its seat (else the middle of the country), within the country. */
export function municipalityPlace(profile: Pick<Profile, "seats" | "bounds">, slug: string): MapPlace {
  const country = countryPlace(profile);
  return { centre: profile.seats.get(slug) ?? country.centre, bounds: country.bounds };
}

const point = (p: MapPoint) => `${p.latitude},${p.longitude}`;
const bounds = (b: MapBounds) => `${b.south},${b.west},${b.north},${b.east}`;

/** What every map needs: the tile server and the labels of Leaflet's own controls, in the page language. */
function common(ctx: PageContext, tiles: NonNullable<PageContext["map"]>) {
  const { t } = ctx;
  return {
    "data-module": "map",
    "data-tiles": attributeText(tiles.tileUrl),
    "data-attribution": attributeText(tiles.attribution),
    "data-zoom-in": attributeText(t("map.zoomIn")),
    "data-zoom-out": attributeText(t("map.zoomOut")),
    "data-close-popup": attributeText(t("map.closePopup")),
  };
}

/** The map's stylesheet and script: in the body, beside the block, so no other page loads them. */
function MapAssets({ ctx }: { ctx: PageContext }) {
  return (
    <>
      <link rel="stylesheet" href={ctx.assets.url("map.css")} />
      <script src={ctx.assets.url("map.js")} defer />
    </>
  );
}

/**
 * The journey's location step: a map centred on the municipality on which a click, a tap or Enter (at the
 * centre, for keyboard users) places a pin that fills the form's hidden `latitude` and `longitude` inputs.
 * Goes inside the step's form; the address field beside it stays the way to answer without a map.
 */
export function PinMap({ ctx, place }: { ctx: PageContext; place: MapPlace }) {
  if (!ctx.map) return "";
  const { t } = ctx;
  return (
    <>
      <div
        class="map-block"
        {...common(ctx, ctx.map)}
        data-map="pin"
        data-centre={point(place.centre)}
        data-bounds={bounds(place.bounds)}
        data-placed={attributeText(t("map.pin.placed", { latitude: "{latitude}", longitude: "{longitude}" }))}
        data-none={attributeText(t("map.pin.none"))}
        data-marker={attributeText(t("map.pin.marker"))}
        data-locating={attributeText(t("map.pin.locating"))}
        data-locate-failed={attributeText(t("map.pin.locateFailed"))}
        hidden
      >
        <h2 class="map-block__heading" id="pin-map-heading" safe>
          {t("map.pin.heading")}
        </h2>
        <p class="hint" id="pin-map-hint" safe>
          {t("map.pin.hint")}
        </p>
        <section class="map map--pin" aria-labelledby="pin-map-heading" aria-describedby="pin-map-hint" />
        <p class="map-block__status" role="status" />
        <p class="map-block__actions">
          <button type="button" class="button button--secondary button--small" data-map-locate hidden safe>
            {t("map.pin.locate")}
          </button>
          <button type="button" class="button button--secondary button--small" data-map-remove hidden safe>
            {t("map.pin.remove")}
          </button>
        </p>
      </div>
      <MapAssets ctx={ctx} />
    </>
  );
}

/**
 * A case's place, as its public view gives it: a pin where it is exact, a circle around the rounded point
 * where the category is sensitive. The coordinates stay written on the page; this only draws them.
 */
export function CaseMap({ ctx, location }: { ctx: PageContext; location: PublicCase["location"] }) {
  if (!ctx.map || !location) return "";
  const { t } = ctx;
  const approximate = location.precision === "approximate";
  return (
    <>
      <div
        class="map-block map-block--case"
        {...common(ctx, ctx.map)}
        data-map="case"
        data-centre={point(location)}
        data-precision={location.precision}
        hidden
      >
        <section
          class="map map--case"
          aria-label={t("map.case.label")}
          aria-describedby={approximate ? "case-map-hint" : undefined}
        />
        {approximate ? (
          <p class="hint" id="case-map-hint" safe>
            {t("map.case.approximate")}
          </p>
        ) : null}
      </div>
      <MapAssets ctx={ctx} />
    </>
  );
}

/**
 * The public list's cases on a map, markers grouped in clusters: the points come from `source` (the JSON
 * of /cases/map.json with the list's filters), each with a popup linking to its case. The list under it
 * holds every case, with or without a location.
 */
export function CasesMap({
  ctx,
  source,
  place,
  limit,
}: {
  ctx: PageContext;
  source: string;
  place: MapPlace;
  /** The most points the source gives (the newest). */
  limit: number;
}) {
  if (!ctx.map) return "";
  const { t } = ctx;
  const statuses = Object.fromEntries(CASE_STATUSES.map((s) => [s, t(`status.${s}`)]));
  return (
    <>
      <div
        class="map-block"
        {...common(ctx, ctx.map)}
        data-map="cases"
        data-source={attributeText(source)}
        data-bounds={bounds(place.bounds)}
        data-statuses={attributeText(JSON.stringify(statuses))}
        data-approximate={attributeText(t("case.approximate"))}
        data-cluster={attributeText(t("map.cases.cluster", { number: "{number}" }))}
        data-shown={attributeText(t("map.cases.shown", { number: "{number}" }))}
        data-truncated={attributeText(t("map.cases.truncated", { number: limit }))}
        data-none={attributeText(t("map.cases.none"))}
        data-failed={attributeText(t("map.cases.failed"))}
        hidden
      >
        <p class="hint" id="cases-map-hint" safe>
          {t("map.cases.hint")}
        </p>
        <section class="map map--cases" aria-label={t("map.cases.label")} aria-describedby="cases-map-hint" />
        <p class="map-block__status" role="status" />
      </div>
      <MapAssets ctx={ctx} />
    </>
  );
}
