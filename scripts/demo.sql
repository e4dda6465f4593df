-- Sample data for the demo database: a small shop.
CREATE SCHEMA shop;
CREATE TABLE shop.customers (id serial PRIMARY KEY, name text NOT NULL, email text UNIQUE, joined date, meta jsonb);
CREATE TABLE shop.products (id serial PRIMARY KEY, title text NOT NULL, price numeric(10,2) NOT NULL);
CREATE TABLE shop.orders (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  customer_id int NOT NULL REFERENCES shop.customers(id),
  product_id int NOT NULL REFERENCES shop.products(id),
  quantity int NOT NULL, placed_at timestamptz NOT NULL);
CREATE INDEX orders_customer_idx ON shop.orders (customer_id);
CREATE VIEW shop.revenue AS
  SELECT p.title, sum(o.quantity * p.price) AS total FROM shop.orders o JOIN shop.products p ON p.id = o.product_id GROUP BY p.title;
INSERT INTO shop.customers (name, email, joined, meta)
  SELECT 'Customer ' || i, 'customer' || i || '@example.com', date '2020-01-01' + i % 1500, jsonb_build_object('vip', i % 10 = 0)
  FROM generate_series(1, 20000) i;
INSERT INTO shop.products (title, price) SELECT 'Product ' || i, (i % 90) + 9.99 FROM generate_series(1, 500) i;
INSERT INTO shop.orders (customer_id, product_id, quantity, placed_at)
  SELECT 1 + i % 20000, 1 + i % 500, 1 + i % 4, timestamptz '2024-01-01' + i * interval '37 seconds'
  FROM generate_series(1, 200000) i;
ANALYZE;
