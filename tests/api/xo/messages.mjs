// Reads a XenAPI server's messages (alerts) with Xen Orchestra's client, the npm package
// `xen-api`, as xo-server does: message.get_all_records in the first fetch of every class,
// then a message created afterwards arriving through event.from. Prints one JSON line:
// the names of the messages fetched first, and the new one's record as the cache has it.
//
// usage: node messages.mjs URL [USER]   (the password in XAPI_PASSWORD)
import { createClient } from 'xen-api'
import { within as withinMs } from './within.mjs'

const STEP_TIMEOUT_MS = 20e3
const within = (promise, what) => withinMs(promise, what, STEP_TIMEOUT_MS)
const [url, user = 'root'] = process.argv.slice(2)

const messages = xapi => Object.values(xapi.objects.all).filter(o => o.$type === 'message')

const xapi = createClient({
  url,
  auth: { user, password: process.env.XAPI_PASSWORD },
  allowUnauthorized: true,
})
try {
  await within(xapi.connect(), 'connect')
  await within(xapi.objectsFetched, 'the first fetch of every object')
  const fetched = messages(xapi).map(m => m.name).sort()
  const ref = await within(
    xapi.call('message.create', 'XO_TEST', 4, 'Pool', xapi.pool.uuid, 'from the xen-api client'),
    'message.create'
  )
  const arrived = await within(
    new Promise(resolve => {
      const look = () => {
        const m = messages(xapi).find(o => o.$ref === ref)
        if (m !== undefined) resolve(m)
        else setTimeout(look, 100)
      }
      look()
    }),
    'the new message in the object cache'
  )
  const { name, priority, cls, obj_uuid, body } = arrived
  console.log(JSON.stringify({ fetched, created: { name, priority, cls, obj_uuid, body } }))
  await within(xapi.disconnect(), 'disconnect')
  process.exit(0)
} catch (error) {
  console.error(`FAIL ${error?.stack ?? error}`)
  process.exit(1)
}
