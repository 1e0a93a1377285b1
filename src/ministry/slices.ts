// The anonymised cases of a municipality's department, category, or a department's category (the drill-down
// below a municipality), a page at a time, through the cases' indexes. The slice's figures are the statistics' (sliceMonthly in
// src/stats/query.ts).
import { sql } from "drizzle-orm";
import type { Db } from "../db/client.ts";
import type { Slice } from "../stats/query.ts";
import { CASE_ROW_COLUMNS, type CaseRow, caseRowOf, type RawCaseRow, rowsOf } from "./caseRows.ts";

/** How many cases a page lists, and how deep the pages go (a longer list is a narrower period). */
export const CASES_PER_PAGE = 50;
export const MAX_CASE_PAGES = 200;

/** Which cases a slice holds: its municipality's, of its department (0: none) and its category. */
function sliceWhere(slice: Slice) {
  const department =
    slice.departmentId === undefined
      ? sql``
      : slice.departmentId === 0
        ? sql` and c.department_id is null`
        : sql` and c.department_id = ${slice.departmentId}`;
  const category = slice.categoryId === undefined ? sql`` : sql` and c.category_id = ${slice.categoryId}`;
  return sql`c.municipality_id = ${slice.municipalityId}${department}${category}`;
}

/**
 * The slice's cases received in the period, newest first, one page: through cases_municipality_department_
 * received for a department (with or without a category, which filters its rows), cases_municipality_received
 * for a category. Local months are turned into instants by the caller (`range`).
 */
export async function sliceCases(
  db: Db,
  slice: Slice,
  range: { from: Date; to: Date },
  page: number,
): Promise<CaseRow[]> {
  const offset = (page - 1) * CASES_PER_PAGE;
  const rows = await rowsOf<RawCaseRow>(
    db,
    sql`select ${CASE_ROW_COLUMNS} from cases c
      where ${sliceWhere(slice)} and c.received_at >= ${range.from.toISOString()}::timestamptz
        and c.received_at < ${range.to.toISOString()}::timestamptz
      order by c.received_at desc, c.id desc
      limit ${CASES_PER_PAGE} offset ${offset}`,
  );
  return rows.map(caseRowOf);
}

/**
 * Whether the slice has ever had a case (any period): a department's category that never did is no page of
 * it, whatever the period asked.
 */
export async function sliceHasCases(db: Db, slice: Slice): Promise<boolean> {
  const rows = await rowsOf<{ one: number }>(
    db,
    sql`select 1 as one from cases c where ${sliceWhere(slice)} limit 1`,
  );
  return rows.length > 0;
}
