// A data table for pages that list rows: in a region that scrolls sideways on a narrow screen (320 px)
// and takes focus, so it can be scrolled by keyboard; its caption names it, its headers are column headers.
import type { Children } from "@kitajs/html";

export function ScrollTable(p: { labelledBy: string; caption: string; head: string[]; children?: Children }) {
  return (
    <section class="table-wrap" aria-labelledby={p.labelledBy} tabindex="0">
      <table>
        <caption safe>{p.caption}</caption>
        <thead>
          <tr>
            {p.head.map((h) => (
              <th scope="col" safe>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{p.children}</tbody>
      </table>
    </section>
  );
}
