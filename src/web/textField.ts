// The text fields of the web forms, validated one way everywhere: line breaks as one character, no spaces
// at the ends, length in characters as people count them; messages are catalog keys.
import { z } from "zod";

/** Line breaks as one character (browsers send CRLF), no spaces at the ends; nothing else is changed. */
export const normaliseText = (s: string) => s.replace(/\r\n?/g, "\n").trim();
/** Characters as people count them (an emoji is one), not UTF-16 units. */
export const characterCount = (s: string) => [...s].length;

/** A text field: required (with that message) or not, at most `max` characters (else `tooLong`). */
export const textField = (max: number, required: string | undefined, tooLong: string) =>
  z
    .string()
    .optional()
    .transform((s) => normaliseText(s ?? ""))
    .superRefine((s, ctx) => {
      if (required && s === "") ctx.addIssue({ code: "custom", message: required });
      else if (characterCount(s) > max) ctx.addIssue({ code: "custom", message: tooLong });
    });
