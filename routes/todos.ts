import { randomUUID } from 'node:crypto'
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

export const TodoNotFoundError = createError('APP_TODO_NOT_FOUND', 'No todo has the id %s', 404)

// Kept in this process's memory, newest last: lost on restart and not shared between processes.
// A real resource keeps its state in a backing service (a database), as a twelve-factor app must.
const MAX_TODOS = 1000

const todos: FastifyPluginAsyncJsonSchemaToTs = async (app) => {
  const store = new Map<string, Todo>()

  app.get(
    '/todos',
    {
      schema: {
        querystring: TodoListQuerySchema,
        response: { 200: { type: 'array', items: TodoSchema }, 400: ErrorSchema },
      },
    },
    async (request) => {
      const { done, limit } = request.query
      const matching = [...store.values()].filter((todo) => done === undefined || todo.done === done)
      return matching.slice(-limit)
    },
  )

  app.get(
    '/todos/:id',
    {
      schema: { params: TodoParamsSchema, response: { 200: TodoSchema, 400: ErrorSchema, 404: ErrorSchema } },
    },
    async (request) => {
      const todo = store.get(request.params.id)
      if (todo === undefined) throw new TodoNotFoundError(request.params.id)
      return todo
    },
  )

  app.post(
    '/todos',
    // A todo is a few hundred bytes of JSON: a body larger than this is not one.
    {
      bodyLimit: 4096,
      schema: { body: NewTodoSchema, response: { 201: TodoSchema, 400: ErrorSchema, 413: ErrorSchema } },
    },
    async (request, reply) => {
      const todo = { id: randomUUID(), ...request.body, createdAt: new Date().toISOString() }
      store.set(todo.id, todo)
      if (store.size > MAX_TODOS) store.delete(store.keys().next().value as string)
      return reply.code(201).header('location', `/todos/${todo.id}`).send(todo)
    },
  )
}

export default todos
