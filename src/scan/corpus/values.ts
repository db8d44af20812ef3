// Clearly fake values for the labelled corpus: example.* / .test domains,
// drama/555 phone ranges where they exist, published test cards and IBANs,
// documentation IP ranges (RFC 5737 / RFC 3849) and made-up SSNs.

export interface Person {
  first: string;
  last: string;
  full: string;
  email: string;
  /** E.164 form (what a CRM would store) and formats people actually type. */
  phone: string;
  shown: string[];
  address: string;
}

const p = (full: string, first: string, last: string, email: string, phone: string, shown: string[], address: string): Person =>
  ({ full, first, last, email, phone, shown, address });

export const PEOPLE: readonly Person[] = [
  p("Ann Lee", "Ann", "Lee", "ann.lee@example.com", "+447700900123", ["07700 900123", "+44 7700 900123", "+447700900123"], "12 Example Road, Testville"),
  p("María José García", "María José", "García", "mj.garcia@example.org", "+34912345678", ["+34 912 345 678", "+34 912345678"], "Calle Falsa 123, Madrid"),
  p("Aiko Tanaka", "Aiko", "Tanaka", "aiko.tanaka@example.jp.test", "+81312345678", ["03-1234-5678", "+81 3-1234-5678"], "1-2-3 Sample-cho, Chiyoda"),
  p("Oluwaseun Adeyemi", "Oluwaseun", "Adeyemi", "seun.adeyemi@example.net", "+2348031234567", ["0803 123 4567", "+234 803 123 4567"], "14 Example Close, Ikeja"),
  p("Nguyễn Thị Mai", "Mai", "Nguyễn", "mai.nguyen@example.com", "+84912345678", ["091 234 5678", "+84 91 234 5678"], "25 Đường Mẫu, Quận 1"),
  p("Siobhán O'Connor", "Siobhán", "O'Connor", "siobhan.oconnor@example.ie.test", "+35320913000", ["020 913 0000", "+353 20 913 0000"], "7 Sample Lane, Cork"),
  p("Rajesh Kumar", "Rajesh", "Kumar", "rajesh.kumar@example.in.test", "+919876543210", ["+91 98765 43210", "+91-98765-43210"], "Flat 4B, Example Towers, Pune"),
  p("Fatima Al-Sayed", "Fatima", "Al-Sayed", "f.alsayed@example.com", "+201012345678", ["010 1234 5678", "+20 10 1234 5678"], "9 Test Street, Heliopolis"),
  p("Zoë Müller", "Zoë", "Müller", "zoe.mueller@shop.test", "+4917012345678", ["0170 1234567", "+49 170 1234567"], "Musterstraße 12, 10115 Berlin"),
  p("Björn Lindqvist", "Björn", "Lindqvist", "bjorn.l@example.se.test", "+46812345678", ["+46 8 123 456 78", "+46 8-123 456 78"], "Provgatan 5, Stockholm"),
  p("Chen Wei", "Wei", "Chen", "chen.wei@example.cn.test", "+8613800138000", ["+86 138 0013 8000", "+86 13800138000"], "88 Sample Road, Pudong"),
  p("Olga Ivanova", "Olga", "Ivanova", "olga.ivanova@example.ru.test", "+74951234567", ["+7 495 123-45-67", "+7 (495) 123-45-67"], "ul. Primernaya 3, Moscow"),
  p("Kwame Mensah", "Kwame", "Mensah", "kwame.mensah@example.com", "+233241234567", ["024 123 4567", "+233 24 123 4567"], "House 21, Example Ave, Accra"),
  p("Priya Patel", "Priya", "Patel", "priya.patel@example.co.uk.test", "+442079460958", ["020 7946 0958", "+44 20 7946 0958", "(020) 7946 0958"], "221B Example Street, London"),
  p("Mateus Oliveira", "Mateus", "Oliveira", "mateus.oliveira@example.com.br.test", "+5511912345678", ["(11) 91234-5678", "+55 11 91234-5678"], "Rua Exemplo 100, São Paulo"),
  p("Ngozi Okafor", "Ngozi", "Okafor", "ngozi.okafor@example.org", "+2348091234567", ["0809 123 4567", "+234 809 123 4567"], "3 Sample Crescent, Enugu"),
  p("Hiroshi Sato", "Hiroshi", "Sato", "h.sato@example.net", "+819012345678", ["090-1234-5678", "+81 90-1234-5678"], "4-5-6 Example, Osaka"),
  p("Ana Lucía Rojas", "Ana Lucía", "Rojas", "analucia.rojas@example.mx.test", "+525512345678", ["+52 55 1234 5678", "+52 (55) 1234 5678"], "Av. Ejemplo 45, CDMX"),
  p("Dmitri Volkov", "Dmitri", "Volkov", "dmitri.volkov@example.com", "+74957654321", ["+7 495 765-43-21", "+74957654321"], "pr. Testovy 10, St Petersburg"),
  p("Leilani Kahale", "Leilani", "Kahale", "leilani.kahale@example.com", "+18085550147", ["(808) 555-0147", "808-555-0147", "808.555.0147"], "45 Sample Lane, Honolulu"),
  p("Ayşe Yılmaz", "Ayşe", "Yılmaz", "ayse.yilmaz@example.com.tr.test", "+902125550123", ["0212 555 0123", "+90 212 555 01 23"], "Örnek Sokak 8, Istanbul"),
  p("Jean-Luc Moreau", "Jean-Luc", "Moreau", "jl.moreau@example.fr.test", "+33142685300", ["01 42 68 53 00", "+33 1 42 68 53 00"], "10 rue de l'Exemple, Paris"),
  p("Kim Min-jun", "Min-jun", "Kim", "minjun.kim@example.kr.test", "+821012345678", ["010-1234-5678", "+82 10-1234-5678"], "Sample-ro 77, Seoul"),
  p("Wanjiru Kamau", "Wanjiru", "Kamau", "wanjiru.kamau@example.co.ke.test", "+254712345678", ["0712 345 678", "+254 712 345 678"], "Plot 5, Example Rd, Nairobi"),
  p("Sipho Dlamini", "Sipho", "Dlamini", "sipho.dlamini@example.co.za.test", "+27215550123", ["021 555 0123", "+27 21 555 0123"], "16 Voorbeeld St, Cape Town"),
  p("Liam O'Brien", "Liam", "O'Brien", "liam.obrien@example.com.au.test", "+61491570156", ["0491 570 156", "+61 491 570 156"], "3/12 Sample Pde, Sydney"),
  p("Sofia Rossi", "Sofia", "Rossi", "sofia.rossi@example.it.test", "+390612345678", ["06 1234 5678", "+39 06 1234 5678"], "Via Esempio 9, Roma"),
  p("Daan de Vries", "Daan", "de Vries", "daan.devries@example.nl.test", "+31201234567", ["020 123 4567", "+31 20 123 4567"], "Voorbeeldstraat 4, Amsterdam"),
  p("Maria dela Cruz", "Maria", "dela Cruz", "maria.delacruz@example.ph.test", "+639171234567", ["0917 123 4567", "+63 917 123 4567"], "Blk 3 Lot 7 Sample Village, Quezon City"),
  p("Tomasz Kowalski", "Tomasz", "Kowalski", "t.kowalski@example.pl.test", "+48221234567", ["+48 22 123 45 67", "+48 22 1234567"], "ul. Przykładowa 2, Warszawa"),
  p("Emily Chen", "Emily", "Chen", "emily.chen@example.ca.test", "+16045550182", ["604-555-0182", "(604) 555-0182", "+1 604 555 0182"], "1200 Example Blvd, Vancouver"),
  p("Lakshmi Narayanan", "Lakshmi", "Narayanan", "lakshmi.n@example.sg.test", "+6561234567", ["+65 6123 4567", "+65 61234567"], "Blk 123 Sample Ave 4, Singapore"),
  p("Juan Pérez", "Juan", "Pérez", "juan.perez@example.ar.test", "+541112345678", ["+54 11 1234-5678", "+54 9 11 1234-5678"], "Av. Ejemplo 742, Buenos Aires"),
  p("Marcus Johnson", "Marcus", "Johnson", "marcus.j@example.com", "+14155550132", ["(415) 555-0132", "415-555-0132", "+1 (415) 555-0132", "415.555.0132"], "742 Evergreen Terrace, Springfield"),
  p("Ольга Смирнова", "Ольга", "Смирнова", "olga.smirnova@example.org", "+78125550199", ["+7 812 555-01-99", "+7 (812) 555-01-99"], "ул. Примерная 7, Санкт-Петербург"),
  p("陈伟", "伟", "陈", "wei.chen2@example.cn.test", "+8613912345678", ["+86 139 1234 5678", "+86 13912345678"], "上海市示例路88号"),
];

// Published test card numbers (Luhn-valid), as typed: spaced, dashed, compact.
export const CARDS = [
  "4111 1111 1111 1111", "4012-8888-8888-1881", "4242424242424242", "5555 5555 5555 4444",
  "5105-1051-0510-5100", "2223 0031 2200 3222", "3782 822463 10005", "371449635398431",
  "6011 1111 1111 1117", "6011000990139424", "3530 1113 3330 0000", "3056 9309 0259 04",
  "4222222222222", "5200 8282 8282 8210",
] as const;

// Example IBANs from the SWIFT registry / ECBS documentation.
export const IBANS = [
  "GB82 WEST 1234 5698 7654 32", "DE89 3704 0044 0532 0130 00", "FR14 2004 1010 0505 0001 3M02 606",
  "NL91ABNA0417164300", "ES91 2100 0418 4502 0005 1332", "IT60 X054 2811 1010 0000 0123 456",
  "BE68539007547034", "CH93 0076 2011 6238 5295 7", "AT61 1904 3002 3457 3201", "NO93 8601 1117 947",
  "SE45 5000 0000 0583 9825 7466", "PL61109010140000071219812874", "IE29 AIBK 9311 5212 3456 78",
  "DK50 0040 0440 1162 43", "FI21 1234 5600 0007 85", "PT50 0002 0123 1234 5678 9015 4",
] as const;

export const SSNS = [
  "123-45-6789", "078-05-1120", "219-09-9999", "321-54-9876", "401-22-7788", "612-40-1357", "233-17-0426", "505-61-2048",
] as const;

export const IPV4 = [
  "192.0.2.1", "192.0.2.44", "198.51.100.7", "198.51.100.23", "203.0.113.9", "203.0.113.254", "192.168.1.10", "10.0.0.12",
] as const;

export const IPV6 = [
  "2001:db8::1", "2001:db8:85a3::8a2e:370:7334", "2001:0db8:0000:0000:0000:ff00:0042:8329",
  "fe80::1ff:fe23:4567:890a", "2001:db8:1234:5678::42", "::ffff:192.0.2.128",
] as const;

// Non-PII look-alikes used as fillers inside sentences.
export const NOISE = {
  order: ["ORD-100234", "#100234", "ORD-2026-7781", "#88213", "A-1002-77", "ORD-551902"],
  amount: ["$1,234.56", "700 USD", "EUR 49.90", "€19.99", "£1,050.00", "1.234,56 €", "$12", "USD 3,400"],
  date: ["2026-11-23", "23/11/2026", "11/23/2026", "23.11.2026", "Nov 23, 2026", "2026-11-23T14:30:00Z"],
  time: ["14:30", "9:15 am", "14:30:00", "10:45 PM", "08:00", "17:59"],
  invoice: ["INV-2026-0042", "INV 2026/0042", "INV-88213", "INV-2025-1187"],
  tracking: ["1Z999AA10123456784", "9400 1000 0000 0000 0000 00", "JD014600006281493723", "LX123456789DE"],
  version: ["v2.3.1", "version 4.12", "1.2.3-beta", "build 10.0.19045.3693", "version 1.2.3.4", "v10.4.0.2"],
  id: ["cus_8f3a2b", "cas_1002", "tsk_01J9ZK3M7Q", "sub_1Q2w3E", "pi_3NqK2L", "acct_1234567890"],
} as const;
