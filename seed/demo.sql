-- Demo data for local development and tests. Every person here is fictional:
-- 555-01xx phone numbers, example.com/example.org addresses, test card numbers.
-- Applied by `npm run dev` and by the test system, never by a deploy.
INSERT OR IGNORE INTO customers (id, name, email, phone, address, tier, created_at) VALUES
 ('cus_1001', 'Maria Alvarez', 'maria.alvarez@example.com', '+1 415 555 0132', '742 Evergreen Terrace, Springfield, OR 97403', 'gold', 1735689600000),
 ('cus_1002', 'Kwame Mensah', 'kwame.mensah@example.org', '+44 20 7946 0958', '221B Baker Street, London NW1 6XE', 'standard', 1738368000000),
 ('cus_1003', 'Yuki Tanaka', 'yuki.tanaka@example.net', '+81 3 5555 0147', '4-2-8 Shibakoen, Minato-ku, Tokyo 105-0011', 'standard', 1740787200000),
 ('cus_1004', 'Priya Raghunathan', 'priya.r@example.com', '+1 (212) 555-0178', '350 Fifth Avenue, New York, NY 10118', 'platinum', 1743465600000),
 ('cus_1005', 'Lars Eriksson', 'lars.eriksson@example.se', '+46 8 555 012 34', 'Drottninggatan 53, 111 21 Stockholm', 'standard', 1746057600000),
 ('cus_1006', 'Fatima Haddad', 'fatima.haddad@example.fr', '+33 1 55 55 01 99', '12 Rue de Rivoli, 75004 Paris', 'gold', 1748736000000),
 ('cus_1007', 'Connor O''Brien', 'connor.obrien@example.ie', '+353 1 555 0163', '15 Grafton Street, Dublin 2, D02 VF65', 'standard', 1751328000000),
 ('cus_1008', 'Ana Beatriz Souza', 'ana.souza@example.com.br', '+55 11 5555 0123', 'Avenida Paulista 1578, São Paulo, SP 01310-200', 'standard', 1754006400000);

INSERT OR IGNORE INTO orders (id, customer_id, item, total_cents, currency, status, placed_at) VALUES
 ('ord_5001', 'cus_1001', 'Oak standing desk', 70000, 'USD', 'delivered', 1762300800000),
 ('ord_5002', 'cus_1001', 'Noise-cancelling headphones', 24900, 'USD', 'delivered', 1761004800000),
 ('ord_5003', 'cus_1002', 'Espresso machine', 45900, 'USD', 'delivered', 1762387200000),
 ('ord_5004', 'cus_1003', 'Mechanical keyboard', 15900, 'USD', 'shipped', 1763078400000),
 ('ord_5005', 'cus_1004', 'Ergonomic chair', 129900, 'USD', 'delivered', 1760486400000),
 ('ord_5006', 'cus_1005', 'Desk lamp', 8900, 'USD', 'delivered', 1762992000000),
 ('ord_5007', 'cus_1006', 'Monitor arm', 12900, 'USD', 'delivered', 1761955200000),
 ('ord_5008', 'cus_1007', 'Webcam', 9900, 'USD', 'returned', 1759276800000),
 ('ord_5009', 'cus_1008', 'Laptop stand', 5900, 'USD', 'delivered', 1763164800000);

INSERT OR IGNORE INTO cases (id, customer_id, subject, notes, status, opened_at) VALUES
 ('cas_2001', 'cus_1001', 'Desk arrived damaged', 'Maria Alvarez called from +1 415 555 0132: the desk top is cracked. Photos sent from maria.alvarez@example.com. Wants a full refund of order ord_5001 (700.00 USD) to card 4111 1111 1111 1111.', 'open', 1763337600000),
 ('cas_2002', 'cus_1002', 'Espresso machine leaking', 'Kwame says the machine leaks after two weeks. Offered a replacement; he prefers a refund of 459.00 USD.', 'open', 1763424000000),
 ('cas_2003', 'cus_1004', 'Chair missing parts', 'Priya Raghunathan reports the armrests are missing. Call back on +1 (212) 555-0178 after 14:30.', 'open', 1763510400000),
 ('cas_2004', 'cus_1006', 'Late delivery', 'Fatima asked for a goodwill credit for a late delivery; order ord_5007.', 'open', 1763596800000);

-- Console operators for local development only (passwords in README: <name>-demo-password).
INSERT OR IGNORE INTO operators (id, username, display_name, role, password_hash, created_at) VALUES
  ('op_alice', 'alice', 'Alice Moreau', 'support', 'pbkdf2$100000$lnUBciqH6E0-a9D3Z4kjeg$6l3_75fLYIKQMZbVASJ5w3hwmhd49bgqvwrKcntU-DU', 1763337600000),
  ('op_bob', 'bob', 'Bob Okafor', 'support', 'pbkdf2$100000$Sy0ZcQFkxmIKX-9NgxRAww$3x5vzqwV8hIeLYU2GbL53gmqzIH7SZ0leExhyZ_wJm0', 1763337600000),
  ('op_carol', 'carol', 'Carol Lindqvist', 'supervisor', 'pbkdf2$100000$FpGBqoytOgb9Qp6UXNKVOg$mwjXXkHkUibeDh2bgRdJjaLU0HSjAuyiJcocQGuJEAc', 1763337600000);
