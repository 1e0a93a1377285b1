// Response standards turned into deadlines. Pure: the time received and the calendar come from the
// caller. (Pauses while awaiting the citizen, warnings and escalation arrive with the workspace.)
import { addWorkingDays, type WorkingCalendar } from "../calendar/calendar.ts";
import { addDays, localDateOf, startOfLocalDay } from "../calendar/zone.ts";

export type SlaUnit = "working_days" | "calendar_days" | "hours";

export interface Standard {
  unit: SlaUnit;
  ackWithin: number;
  firstResponseWithin: number;
  resolutionWithin: number;
}

/** The deadline `amount` units after `from`: working days by the calendar, calendar days to the end of the day, hours exactly. */
export function dueAt(from: Date, amount: number, unit: SlaUnit, calendar: WorkingCalendar): Date {
  switch (unit) {
    case "working_days":
      return addWorkingDays(from, amount, calendar);
    case "calendar_days": {
      const day = addDays(localDateOf(from, calendar.timeZone), amount);
      return startOfLocalDay(addDays(day, 1), calendar.timeZone);
    }
    case "hours":
      return new Date(from.getTime() + amount * 3_600_000);
  }
}

/** The three clocks of a case received at `receivedAt` under a standard. */
export function deadlines(receivedAt: Date, standard: Standard, calendar: WorkingCalendar) {
  return {
    ackDueAt: dueAt(receivedAt, standard.ackWithin, standard.unit, calendar),
    responseDueAt: dueAt(receivedAt, standard.firstResponseWithin, standard.unit, calendar),
    resolutionDueAt: dueAt(receivedAt, standard.resolutionWithin, standard.unit, calendar),
  };
}
