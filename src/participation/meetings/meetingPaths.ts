// The addresses of the meetings pages, in one place for the routes, the pages and the messages.
import type { Language } from "../../kernel/i18n.ts";

export const staffMeetingsPath = (slug: string, rest = "") =>
  `/m/${encodeURIComponent(slug)}/participation/meetings${rest}`;
export const publicMeetingsPath = (slug: string, year?: number) =>
  `/m/${encodeURIComponent(slug)}/meetings${year === undefined ? "" : `?year=${year}`}`;
export const meetingPath = (id: number) => `/meetings/${id}`;
export const minutesPath = (id: number) => `/meetings/${id}/minutes`;
export const feedPath = (slug: string, lang?: Language) =>
  `/m/${encodeURIComponent(slug)}/meetings.ics${lang ? `?lang=${lang}` : ""}`;
