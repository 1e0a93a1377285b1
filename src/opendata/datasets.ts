// What the open data holds, declared once: each dataset's fields (name, Table Schema type, format,
// constraints), from which the page's field tables, the data package descriptor and the files' headers are
// all made, so they cannot disagree. Titles and descriptions are catalog keys (openData.*).
import { CASE_STATUSES, CASE_TYPES, CHANNELS } from "../cases/statuses.ts";
import { CASE_FIELDS } from "./caseExport.ts";
import { BREAKDOWN_FIELDS, HIDDEN, MONTHLY_FIELDS, STATS_FIELD_TYPES } from "./statsExport.ts";

/** The Table Schema field types the datasets use (https://specs.frictionlessdata.io/table-schema/). */
export type FieldType = "string" | "integer" | "number" | "boolean" | "datetime" | "yearmonth";

export interface DatasetField {
  name: string;
  type: FieldType;
  /** Only where the type's default format is not the one written. */
  format?: string;
  constraints?: { required?: boolean; unique?: boolean; enum?: readonly string[] };
}

export type DatasetName = "cases" | "statistics-monthly" | "statistics-breakdown";

export interface Dataset {
  name: DatasetName;
  /** Download path without extension: `${path}.csv`, `${path}.json`. */
  path: string;
  fields: readonly DatasetField[];
  /** The cell texts that mean "no value" (Table Schema missingValues). */
  missingValues: readonly string[];
  primaryKey?: readonly string[];
  /** Whether the case filters (municipality, year) apply. */
  filtered: boolean;
}

/**
 * A count from 1 to 4 in the breakdown is written as this, and a zero beside one (statsExport.ts protectMonth,
 * docs/OPEN-DATA.md, docs/INDICATORS.md); HIDDEN is the count hidden with a lone one.
 */
export const SUPPRESSED = "<5";

const CASE_TYPE_OF: Record<(typeof CASE_FIELDS)[number], Omit<DatasetField, "name">> = {
  id: { type: "string", constraints: { required: true, unique: true } },
  municipality: { type: "string", constraints: { required: true } },
  type: { type: "string", constraints: { required: true, enum: CASE_TYPES } },
  category: { type: "string", constraints: { required: true } },
  channel: { type: "string", constraints: { required: true, enum: CHANNELS } },
  status: { type: "string", constraints: { required: true, enum: CASE_STATUSES } },
  received_at: { type: "datetime", constraints: { required: true } },
  acknowledged_at: { type: "datetime" },
  answered_at: { type: "datetime" },
  closed_at: { type: "datetime" },
  sla_due_at: { type: "datetime" },
  sla_met: { type: "boolean" },
  reason_code: { type: "string" },
  latitude: { type: "number" },
  longitude: { type: "number" },
  public_answer: { type: "string" },
};

export const DATASETS: readonly Dataset[] = [
  {
    name: "cases",
    path: "/open-data/cases",
    fields: CASE_FIELDS.map((name) => ({ name, ...CASE_TYPE_OF[name] })),
    missingValues: [""],
    primaryKey: ["id"],
    filtered: true,
  },
  {
    name: "statistics-monthly",
    path: "/open-data/statistics-monthly",
    fields: MONTHLY_FIELDS.map((name) => ({ name, ...STATS_FIELD_TYPES(name) })),
    missingValues: [""],
    primaryKey: ["municipality", "month"],
    filtered: false,
  },
  {
    name: "statistics-breakdown",
    path: "/open-data/statistics-breakdown",
    fields: BREAKDOWN_FIELDS.map((name) => ({ name, ...STATS_FIELD_TYPES(name) })),
    missingValues: ["", SUPPRESSED, HIDDEN],
    primaryKey: ["municipality", "month", "type", "category", "channel", "department"],
    filtered: false,
  },
];

export const FORMATS = {
  csv: { mediatype: "text/csv", contentType: "text/csv; charset=utf-8" },
  json: { mediatype: "application/json", contentType: "application/json; charset=utf-8" },
} as const;
export type Format = keyof typeof FORMATS;

export const dataset = (name: DatasetName): Dataset => DATASETS.find((d) => d.name === name)!;

/** The licence of everything under /open-data. */
export const LICENCE = {
  name: "CC-BY-4.0",
  path: "https://creativecommons.org/licenses/by/4.0/",
  title: "Creative Commons Attribution 4.0",
} as const;
