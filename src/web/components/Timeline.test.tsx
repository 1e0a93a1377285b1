import { describe, expect, it } from "vitest";
import { Timeline } from "./Timeline.tsx";

const at = new Date("2026-03-04T09:02:00Z");

describe("Timeline", () => {
  it("lists the steps in order, each with its machine-readable time, what happened and why", async () => {
    const html = await (
      <Timeline
        events={[
          { at: new Date("2026-03-03T08:15:00Z"), when: "3 Mar 2026, 09:15", what: "Submitted" },
          {
            at,
            when: "4 Mar 2026, 10:02",
            what: "Status: Referred",
            reason: "Reason: Referred to a public enterprise",
            messages: [{ text: "Passed on to the distributor." }],
          },
        ]}
      />
    );
    expect(html).toBe(
      '<ol class="timeline">' +
        '<li class="timeline__event"><p class="timeline__when"><time datetime="2026-03-03T08:15:00.000Z">3 Mar 2026, 09:15</time></p>' +
        '<p class="timeline__what">Submitted</p></li>' +
        '<li class="timeline__event"><p class="timeline__when"><time datetime="2026-03-04T09:02:00.000Z">4 Mar 2026, 10:02</time></p>' +
        '<p class="timeline__what">Status: Referred</p>' +
        '<p class="timeline__reason">Reason: Referred to a public enterprise</p>' +
        '<p class="timeline__message case-description">Passed on to the distributor.</p></li>' +
        "</ol>",
    );
  });

  it("shows staff who acted, marks an internal step in words, and names a labelled note", async () => {
    const html = await (
      <Timeline
        events={[
          {
            at,
            when: "4 Mar 2026, 10:02",
            by: "Arta Morina",
            internal: "Internal, not shown to the public",
            what: "Internal note",
            messages: [{ text: "Called the distributor." }, { label: "Note for staff", text: "Pole 14." }],
          },
        ]}
      />
    );
    expect(html).toContain(
      '<p class="timeline__when"><time datetime="2026-03-04T09:02:00.000Z">4 Mar 2026, 10:02</time>' +
        "<span> · Arta Morina</span> · <strong>Internal, not shown to the public</strong></p>",
    );
    expect(html).toContain('<p class="timeline__message case-description">Called the distributor.</p>');
    expect(html).toContain(
      '<p class="timeline__message case-description"><strong>Note for staff: </strong><span>Pole 14.</span></p>',
    );
  });

  it("escapes every text, and leaves out empty messages", async () => {
    const html = await (
      <Timeline
        events={[
          {
            at,
            when: "<b>when</b>",
            by: '"Ana" & co',
            what: "<script>x</script>",
            reason: "<i>why</i>",
            messages: [{ text: "" }, { label: "<u>l</u>", text: "<img src=x>" }],
          },
        ]}
      />
    );
    expect(html).not.toMatch(/<(b|script|i|u|img)[ >]/);
    expect(html).toContain("&lt;b>when&lt;/b>");
    expect(html).toContain("&#34;Ana&#34; &amp; co");
    expect(html).toContain("&lt;script>x&lt;/script>");
    expect(html).toContain("&lt;i>why&lt;/i>");
    expect(html).toContain("<strong>&lt;u>l&lt;/u>: </strong><span>&lt;img src=x></span>");
    expect(html.match(/timeline__message/g)).toHaveLength(1);
  });

  it("dates a step by its day alone, and marks a sentence in another language than the page's", async () => {
    const html = await (
      <Timeline
        events={[{ at: "2026-05-01", when: "May 1, 2026", what: "Punimet filluan", whatLang: "sq" }]}
      />
    );
    expect(html).toContain('<time datetime="2026-05-01">May 1, 2026</time>');
    expect(html).toContain('<p class="timeline__what" lang="sq">Punimet filluan</p>');
  });

  it("says in words that there is nothing yet, instead of an empty list", async () => {
    expect(await (<Timeline events={[]} empty="Nothing yet." />)).toBe("<p>Nothing yet.</p>");
    expect(await (<Timeline events={[]} />)).toBe("");
  });
});
