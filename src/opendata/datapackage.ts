// The Frictionless Data Package descriptor of the open data (https://specs.frictionlessdata.io/data-package/):
// one tabular resource per download, its schema made from the same field list as the file it describes.
import type { Translate } from "../kernel/i18n.ts";
import { DATASETS, type DatasetName, FORMATS, type Format, LICENCE } from "./datasets.ts";

interface DescriptorOptions {
  /** The absolute base of the platform's addresses, without a trailing slash. */
  base: string;
  t: Translate;
  /** Who publishes (the ministry, in the descriptor's language), for the attribution. */
  publisher: string;
}

/** A resource's name: lowercase, the dataset and its format ("cases-csv"). */
export const resourceName = (dataset: DatasetName, format: Format) => `${dataset}-${format}`;

/** The descriptor, in the language of `t` (titles and descriptions; names and types never change). */
export function dataPackage({ base, t, publisher }: DescriptorOptions) {
  return {
    profile: "data-package",
    name: "ekomuna-open-data",
    title: t("openData.package.title"),
    description: t("openData.package.description", { publisher }),
    homepage: `${base}/open-data`,
    licenses: [{ ...LICENCE }],
    contributors: [{ title: publisher, role: "publisher" }],
    resources: DATASETS.flatMap((d) =>
      (Object.keys(FORMATS) as Format[]).map((format) => ({
        profile: "tabular-data-resource",
        name: resourceName(d.name, format),
        path: `${base}${d.path}.${format}`,
        title: t(`openData.datasets.${d.name}.title`),
        description: t(`openData.datasets.${d.name}.description`),
        format,
        mediatype: FORMATS[format].mediatype,
        encoding: "utf-8",
        ...(format === "csv" ? { dialect: { delimiter: ",", lineTerminator: "\r\n", header: true } } : {}),
        licenses: [{ ...LICENCE }],
        schema: {
          fields: d.fields.map((f) => ({
            name: f.name,
            type: f.type,
            ...(f.format ? { format: f.format } : {}),
            description: t(`openData.fields.${f.name}`),
            ...(f.constraints ? { constraints: f.constraints } : {}),
          })),
          missingValues: [...d.missingValues],
          ...(d.primaryKey ? { primaryKey: [...d.primaryKey] } : {}),
        },
      })),
    ),
  };
}
