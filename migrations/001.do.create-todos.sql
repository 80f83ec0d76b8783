-- The example resource (routes/todos.ts): delete this file with it.
CREATE TABLE todos (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  title text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 200),
  done boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT clock_timestamp()
);

-- The list's order: newest first, and the id between two of the same instant.
CREATE INDEX todos_created_at_id ON todos (created_at, id);
