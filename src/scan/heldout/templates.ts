// Sentence templates of the held-out corpus, written as customers and agents
// write: with and without cues, names at the start of a sentence, in lower
// case, in signatures; a quarter of the sentences carry no PII at all but
// towns, companies, products, cars and weekdays that must stay intact.
// PII slots: name first last lfirst name2 email phone phone2 card iban ssn ip ip6 street address
// Other slots: title city country company product vehicle department weekday month order amount time date n version

export const PII_TEMPLATES: readonly string[] = [
  // names with a cue
  "Hi, my name is {name} and I'd like to check on my order {order}.",
  "hi its {lfirst} again, did the refund go through?",
  "This is {name} from {company}, calling about the invoice from {date}.",
  "Dear {title} {last},\nthank you for your message about the {product}.",
  "Thanks for sorting it out so quickly!\n\nBest regards,\n{name}",
  "Please forward this to my colleague {name}, she handles the account.",
  "I spoke with {name} yesterday and was promised a callback by {weekday}.",
  "Hello {first}, your parcel left our warehouse in {city} this morning.",
  "I'm {name}, I've been a customer since {month} and this never happened before.",
  "My husband {name} will pick it up at the {city} store on {weekday}.",
  "ok thanks - {first}",
  "Contact person: {name}, {phone}",
  // names without a cue
  "{name} called at {time} about the {product} delivery.",
  "Can you ask {first} to call me back before {time}?",
  "The order was placed by {name} but the card belongs to {name2}.",
  "Package for {name} is waiting at the {city} depot.",
  // addresses
  "Please ship the {product} to {address}.",
  "New address: {street}",
  "I live at {street} in {city}, the courier keeps going to the wrong door.",
  "Deliver to {name}, {address}, phone {phone}.",
  "Billing address is {address}; shipping is the same.",
  "The invoice still shows my old address, {street}.",
  // phones and emails
  "You can reach me on {phone} or at {email}.",
  "My number is {phone}, text me when it ships.",
  "Please call me back at {phone}, it's about order {order}.",
  "Office: {phone} | Mobile: {phone2}",
  "Tel. {phone}",
  "write to {email} please, the other inbox is full",
  // cards, IBANs, SSNs, IPs
  "Card number {card}, I paid {amount} twice.",
  "I paid with {card} but the {product} never arrived.",
  "Please refund the {amount} to IBAN {iban}.",
  "my iban is {iban} if you need it",
  "SSN {ssn} for the identity check, as requested.",
  "my social is {ssn}",
  "Login attempts from {ip} and {ip6} were blocked at {time}.",
  "The router at {ip} keeps dropping the connection.",
];

export const NEG_TEMPLATES: readonly string[] = [
  "The Samsung Galaxy arrived in {city} on {weekday}.",
  "Is the {product} still available in the {department} section?",
  "{company} shipped order {order} on {date}.",
  "We're opening a new store in {city} next {month}.",
  "The {product} costs {amount} and ships from {city}.",
  "Our team in {city} will look into ticket {order} on {weekday}.",
  "Version {version} of the app fixes the crash on {weekday}.",
  "My {vehicle} needs a new key fob, do you sell them?",
  "The flight from {city} to {country} was delayed by {n} hours.",
  "Thanks for your help, have a great {weekday}!",
  "Is {company} the same company that makes the {product}?",
  "I ordered {n} of the {product} on {date} for {amount}.",
];

/** A few sentences in the locale's own language, for its cues. */
export const LOCAL_TEMPLATES: Readonly<Record<string, readonly string[]>> = {
  de: [
    "Hallo, mein Name ist {name} und ich wohne in der {street}.",
    "Mit freundlichen Grüßen\n{name}",
    "Bitte rufen Sie mich unter {phone} zurück.",
  ],
  fr: [
    "Bonjour, je m'appelle {name}, mon adresse est {street}.",
    "Cordialement,\n{name}",
    "Vous pouvez me joindre au {phone}.",
  ],
  es: ["Hola, me llamo {name} y vivo en {street}.", "Saludos,\n{name}", "Mi teléfono es {phone}."],
  it: ["Buongiorno, mi chiamo {name}, abito in {street}.", "Cordiali saluti,\n{name}", "Il mio numero è {phone}."],
  nl: [
    "Hallo, mijn naam is {name} en ik woon op {street}.",
    "Met vriendelijke groet,\n{name}",
    "Mijn nummer is {phone}.",
  ],
  pt: ["Olá, meu nome é {name} e moro na {street}.", "Atenciosamente,\n{name}", "Meu telefone é {phone}."],
  pl: ["Dzień dobry, nazywam się {name}, mieszkam przy {street}.", "Pozdrawiam,\n{name}", "Mój numer to {phone}."],
};
