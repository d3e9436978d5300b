// App Service 2017's expires_on: "11/21/2030 10:00:00 +00:00" / "6/20/2019 9:27:38 PM +00:00" (month
// first). Only managed identity hosts send it, so only their token parsing (tokenResponse.ts) passes
// this to core/expiry.ts's parseExpiresOn/tokenExpiry.

/** Milliseconds since the epoch, or null when `text` is not that form or names no real time. */
export function parseAppServiceDate(text: string): number | null {
  const us = /^(\d{1,2})\/(\d{1,2})\/(\d{4}) (\d{1,2}):(\d{2}):(\d{2})(?: ?([AP]M))? ([+-])(\d{2}):?(\d{2})$/i.exec(text);
  if (us === null) return null;
  const [, month, day, year, hour, minute, second, meridiem, sign, offsetHours, offsetMinutes] = us;
  let h = Number(hour);
  if (meridiem !== undefined) {
    if (h < 1 || h > 12) return null;
    h = (h % 12) + (meridiem.toUpperCase() === "PM" ? 12 : 0);
  }
  const [mo, d, mi, s] = [Number(month), Number(day), Number(minute), Number(second)];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) return null;
  const offset = (sign === "-" ? -1 : 1) * (Number(offsetHours) * 60 + Number(offsetMinutes)) * 60_000;
  return Date.UTC(Number(year), mo - 1, d, h, mi, s) - offset;
}
