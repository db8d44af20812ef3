// Sentence templates. {slot}s are filled by labelled.ts: PII slots become
// expected spans, NOISE slots insert non-PII look-alikes (order numbers,
// amounts, dates...) that must stay untouched.
//   PII slots:   name first last NAME (upper) lfirst (lower) email EMAIL email2
//                phone phone2 card iban ssn ip ip6 addr
//   noise slots: order amount date time invoice tracking version id num

export type Source = "chat" | "note" | "ticket";

export interface Template {
  src: Source;
  /** true: the customer's name/email/phone/address are passed as known values. */
  known: boolean;
  text: string;
}

const chat = (text: string, known = true): Template => ({ src: "chat", known, text });
const note = (text: string, known = true): Template => ({ src: "note", known, text });
const ticket = (text: string, known = true): Template => ({ src: "ticket", known, text });

export const TEMPLATES: readonly Template[] = [
  // --- with known values (the task knows who the customer is)
  chat("Hi, this is {name}. My email is {email} and my number is {phone}."),
  chat("hi its {lfirst} again, pls call me on {phone} after {time}, thx"),
  chat("Hello, I'm {name} and order {order} still hasn't arrived at {addr}."),
  chat("Can you send invoice {invoice} to {email}? It's for {amount}."),
  chat("{first} here - the courier says {tracking} was delivered but nothing came."),
  chat("I moved! New address is {addr}. Please update it for my account, thanks - {first}"),
  chat("My name is {NAME}, I was charged {amount} twice on {date}."),
  chat("Could you call me back? {phone} - it's about the refund for {order}."),
  chat("Hi there, {first} here. Order #{num} came damaged, reach me at {email}."),
  chat("Please use {EMAIL} from now on, the old address bounces."),
  note("Spoke with {name} at {time}; confirmed address {addr}. Refund of {amount} approved."),
  note("{last} called re {order}, wants a callback on {phone}. Customer id {id}."),
  note("Customer {name} <{email}> disputes charge on card {card}, see {invoice}."),
  note("Identity check passed for {name} (SSN {ssn}), ticket {id}."),
  note("{first}'s payout IBAN updated to {iban}; old one closed {date}."),
  note("Login alerts for {name} came from {ip} and {ip6}; both unknown to {first}."),
  note("VIP: {NAME}. Prefers email ({email}) over phone ({phone})."),
  ticket("Subject: Order {order}\nFrom: {email}\n\nHello, I'm {first}. Can someone call me at {phone}?"),
  ticket("Requester: {name}\nPhone: {phone}\nAddress: {addr}\nIssue: app crashes on {version}"),
  ticket("[{date}] {name} reports double charge on {card}; amount {amount}, order {order}."),
  ticket("Refund request from {first}: {num}x items returned, send to IBAN {iban}. Contact: {email}"),
  ticket("Account {id}: {last} asked to change the phone from {phone} to {phone2}."),

  // --- pattern detectors only (no known values)
  chat("Send the receipt to {email} please", false),
  chat("You can reach me on {phone}.", false),
  chat("card number is {card}, the order was {order}", false),
  chat("my social is {ssn} if you need it", false),
  chat("Please pay the {amount} into {iban}, thanks", false),
  chat("call {phone} or {phone2}, whichever, between {time} and 18:00", false),
  note("Failed logins from {ip} at {time} on {date}; user agent flagged, {id}.", false),
  note("Session {id} connected via {ip6}, then {ip}.", false),
  note("Customer paid with {card} but {invoice} still shows unpaid ({amount}).", false),
  ticket("email: {email} | phone: {phone} | ip: {ip} | version: {version}", false),
  ticket("Chargeback on {card} for {order} ({amount}), cardholder SSN {ssn} on file.", false),
  ticket("Forwarded from {email2}: please verify the account behind {iban}.", false),
];
