import createError from '@fastify/error'
import type { FastifyPluginAsyncJsonSchemaToTs } from '@fastify/type-provider-json-schema-to-ts'
import type { FromSchema } from 'json-schema-to-ts'
import { ErrorSchema } from '../plugins/error-handler.js'

// An example resource to copy: params, a query, a validated JSON body, and every status it can
// answer declared with its schema. The schemas type the handlers and serialise the answers.

const TodoSchema = {
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid' },
    title: { type: 'string', minLength: 1, maxLength: 200 },
    done: { type: 'boolean' },
    createdAt: { type: 'string', format: 'date-time' },
  },
  required: ['id', 'title', 'done', 'createdAt'],
  additionalProperties: false,
} as const

const NewTodoSchema = {
  type: 'object',
  properties: {
    title: TodoSchema.properties.title,
    done: { type: 'boolean', default: false },
  },
  required: ['title'],
  additionalProperties: false,
} as const

const TodoParamsSchema = {
  type: 'object',
  properties: { id: TodoSchema.properties.id },
  required: ['id'],
} as const

const TodoListQuerySchema = {
  type: 'object',
  properties: {
    done: { type: 'boolean' },
    limit: { type: 'integer', minimum: 1, maximum: 100, default: 20 },
  },
  additionalProperties: false,
} as const

type Todo = FromSchema<typeof TodoSchema>
/** A row as pg reads it: the timestamp as a Date. */
type TodoRow = Omit<Todo, 'createdAt'> & { createdAt: Date }
const answer = (row: TodoRow): Todo => ({ ...row, createdAt: row.createdAt.toISOString() })

export const TodoNotFoundError = createError('APP_TODO_NOT_FOUND', 'No todo has the id %s', 404)

// Kept in PostgreSQL (plugins/database.ts), in the table migrations/001.do.create-todos.sql creates.
// Every value reaches the database as a parameter ($1…), never spliced into the SQL.
const columns = 'id, title, done, created_at AS "createdAt"'
const answers = {
  503: { description: 'The database is unavailable: retry later', ...ErrorSchema },
}

const todos: FastifyPluginAsyncJsonSchemaToTs = async (app) => {
  app.get(
    '/todos',
    {
      schema: {
        querystring: TodoListQuerySchema,
        response: { 200: { type: 'array', items: TodoSchema }, 400: ErrorSchema, ...answers },
      },
    },
    async (request) => {
      const { done = null, limit } = request.query
      // The newest `limit`, oldest first; the id orders two of the same instant.
      const { rows } = await app.db.query<TodoRow>(
        `SELECT * FROM (
           SELECT ${columns} FROM todos WHERE $1::boolean IS NULL OR done = $1
           ORDER BY created_at DESC, id DESC LIMIT $2
         ) newest ORDER BY "createdAt", id`,
        [done, limit],
      )
      return rows.map(answer)
    },
  )

  app.get(
    '/todos/:id',
    {
      schema: {
        params: TodoParamsSchema,
        response: { 200: TodoSchema, 400: ErrorSchema, 404: ErrorSchema, ...answers },
      },
    },
    async (request) => {
      const { rows } = await app.db.query<TodoRow>(`SELECT ${columns} FROM todos WHERE id = $1`, [
        request.params.id,
      ])
      if (rows[0] === undefined) throw new TodoNotFoundError(request.params.id)
      return answer(rows[0])
    },
  )

  app.post(
    '/todos',
    // A todo is a few hundred bytes of JSON: a body larger than this is not one.
    {
      bodyLimit: 4096,
      schema: {
        body: NewTodoSchema,
        response: { 201: TodoSchema, 400: ErrorSchema, 413: ErrorSchema, ...answers },
      },
    },
    async (request, reply) => {
      const { title, done } = request.body
      const { rows } = await app.db.query<TodoRow>(
        `INSERT INTO todos (title, done) VALUES ($1, $2) RETURNING ${columns}`,
        [title, done],
      )
      const todo = answer(rows[0] as TodoRow)
      return reply.code(201).header('location', `/todos/${todo.id}`).send(todo)
    },
  )
}

export default todos
