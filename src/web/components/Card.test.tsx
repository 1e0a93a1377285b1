import { describe, expect, it } from "vitest";
import { Card } from "./Card.tsx";

const at = new Date("2026-03-03T08:15:00Z");

describe("Card", () => {
  it("gives a list item its title as a link, its status, and its details as terms and values", async () => {
    const html = await (
      <Card
        level={3}
        title="Street light out"
        href="/cases/PRI-2026-000042"
        status={<strong class="status-tag">In progress</strong>}
        details={[
          { term: "Tracking code", value: "PRI-2026-000042", code: true },
          { term: "Received", value: { at, text: "3 March 2026" } },
          { term: "Stage", value: "12 days left", strong: true },
        ]}
      />
    );
    expect(html).toBe(
      '<li class="case-card">' +
        '<h3 class="case-card__title"><a href="/cases/PRI-2026-000042">Street light out</a></h3>' +
        '<p class="case-card__status"><strong class="status-tag">In progress</strong></p>' +
        '<dl class="case-card__details">' +
        '<div><dt>Tracking code</dt><dd class="case-card__code">PRI-2026-000042</dd></div>' +
        '<div><dt>Received</dt><dd><time datetime="2026-03-03T08:15:00.000Z">3 March 2026</time></dd></div>' +
        "<div><dt>Stage</dt><dd><strong>12 days left</strong></dd></div>" +
        "</dl></li>",
    );
  });

  it("puts what the item says before its details and actions after them; a title without a page is text", async () => {
    const html = await (
      <Card
        level={2}
        id="notification-7"
        title="Your report has an answer"
        details={[{ term: "Received", value: "today" }]}
        actions={<form method="post">…</form>}
      >
        <p>Body</p>
      </Card>
    );
    expect(html).toBe(
      '<li class="case-card" id="notification-7"><h2 class="case-card__title"><span>Your report has an answer</span></h2>' +
        '<p>Body</p><dl class="case-card__details"><div><dt>Received</dt><dd>today</dd></div></dl>' +
        '<form method="post">…</form></li>',
    );
  });

  it("escapes a text title and every detail, keeps a component's markup as it is, and marks the title's language", async () => {
    const html = await (
      <Card
        level={4}
        title={'<b>"x"</b> & y'}
        href="/p"
        titleLang="sr-Latn"
        details={[{ term: "<i>t</i>", value: "<img src=x>" }]}
      />
    );
    expect(html).toContain(
      '<h4 class="case-card__title"><a href="/p" lang="sr-Latn">&lt;b>&#34;x&#34;&lt;/b> &amp; y</a></h4>',
    );
    expect(html).toContain("<dt>&lt;i>t&lt;/i></dt><dd>&lt;img src=x></dd>");
    const marked = await (
      <Card level={3} title={{ markup: <span lang="sq">Buxheti</span> }} summary={<span>Open</span>} />
    );
    expect(marked).toBe(
      '<li class="case-card"><h3 class="case-card__title"><span lang="sq">Buxheti</span></h3>' +
        '<p class="case-card__details"><span>Open</span></p></li>',
    );
  });
});
