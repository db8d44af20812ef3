// Name and address guesses: what must be found without known values, and the
// everyday words that must stay intact.
import { describe, expect, it } from "vitest";
import { findPii, tokenizeText } from "./index.ts";

const spans = (text: string) => findPii(text, []).map((s) => [s.kind, s.value]);

describe("name guesses", () => {
  it.each([
    ["Hi, my name is Aaliyah Corkery and I need help", "Aaliyah Corkery"],
    ["Dear Ms. Violet Auer,\nthanks for writing", "Violet Auer"],
    ["Please ask Trenton Zieme to call me", "Trenton Zieme"],
    ["Kaelyn Marvin called about the refund", "Kaelyn Marvin"],
    ["Thanks for your help!\n\nBest regards,\nMalika Welch", "Malika Welch"],
    ["I spoke with Bérard Arnaud today", "Bérard Arnaud"],
    ["My colleague Samantha Grant handles it", "Samantha Grant"],
    ["the card belongs to Dildâr Demirbaş", "Dildâr Demirbaş"],
    ["Forward it to María de los Ángeles Padilla, please", "María de los Ángeles Padilla"],
    ["I'm Нонна Журавлева, customer since May", "Нонна Журавлева"],
    ["hi its karson again, any news?", "karson"],
    // The cues are case-insensitive, whatever the prefilter reads first.
    ["MY NAME IS anna", "anna"],
    ["HI ITS karson AGAIN", "karson"],
    ["i am called anna", "anna"],
    ["this is karson speaking", "karson"],
    ["My name is 王伟.", "王伟"],
    ["ok thanks - Jan", "Jan"],
  ])("finds the name in %j", (text, name) => {
    expect(spans(text)).toContainEqual(["NAME", name]);
  });

  it.each([
    "the Samsung Galaxy arrived in Paris on Monday",
    "My Lamborghini Model X needs a new key fob",
    "We're opening a new store in Prince Albert next February",
    "Version 8.17.9 of the app fixes the crash on Domingo.",
    "Is the Awesome Ceramic Bacon still available in the Outdoors section?",
    "Thanks for waiting. Large is back in stock next week, would you like me to reserve one?",
    "Go to your account, open the order and click 'Return items'.",
    "Is Greenfelder - Corkery the same company that makes the Handmade Gold Mouse?",
  ])("leaves %j intact", (text) => {
    expect(spans(text)).toEqual([]);
  });
});

describe("address guesses", () => {
  it.each([
    ["I live at 43546 Marcos Junction now", "43546 Marcos Junction"],
    [
      "ship to 634 Joelle Mews Apt. 240, KY91 47K Bergstromton please",
      "634 Joelle Mews Apt. 240, KY91 47K Bergstromton",
    ],
    [
      "Billing: 1600 Amphitheatre Parkway, Mountain View, CA 94043.",
      "1600 Amphitheatre Parkway, Mountain View, CA 94043",
    ],
    ["Neue Adresse: Semmelweisstr. 58a, 12595 Alt Janinburg", "Semmelweisstr. 58a, 12595 Alt Janinburg"],
    ["Piazza Athos 71, Appartamento 74 is right", "Piazza Athos 71, Appartamento 74"],
    ["mieszkam przy os. Augustyniak 22c m. 505", "os. Augustyniak 22c m. 505"],
    ["пл. Транспортная, 340 кв. 615", "пл. Транспортная, 340 кв. 615"],
    ["I live at Niederblecher 786 in Ost Hannah", "Niederblecher 786"],
    ["New address: 8丁目8番8号", "8丁目8番8号"],
  ])("finds the address in %j", (text, addr) => {
    expect(spans(text)).toContainEqual(["ADDRESS", addr]);
  });

  it.each([
    "We only ship to ZIP 94107 and 94110 at the moment.",
    "Windows 11 and Pixel 8 are supported since version 2.3.",
    "I ordered 11 of the Handmade Bronze Bacon on 2026-04-20 for 631.46 MVR.",
    "Order #295016 shipped from Port Orenmouth on Tuesday.",
  ])("leaves %j intact", (text) => {
    expect(spans(text)).toEqual([]);
  });
});

describe("public API", () => {
  it("tokenizes guesses like any other span, and the result is stable", () => {
    const out = tokenizeText("My name is Aaliyah Corkery, I live at 43546 Marcos Junction.", [], (k) => `[${k}_1]`);
    expect(out).toBe("My name is [NAME_1], I live at [ADDRESS_1].");
    expect(tokenizeText(out, [], (k) => `[${k}_9]`)).toBe(out);
  });
});
