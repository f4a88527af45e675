// Connects to a XenAPI server with Xen Orchestra's client, the npm package `xen-api`, as
// xo-server does (every class's records fetched, then events followed), and reads
// VM.get_all_records; prints one JSON line with the counts. Run by tests/api/test_hostile.py
// on a host with thousands of VMs, whose replies are large (and may come chunked).
//
// usage: node records.mjs URL [USER]   (the password in XAPI_PASSWORD)
import { createClient } from 'xen-api'
import { within as withinMs } from './within.mjs'

const STEP_TIMEOUT_MS = 120e3
const within = (promise, what) => withinMs(promise, what, STEP_TIMEOUT_MS)
const [url, user = 'root'] = process.argv.slice(2)

const xapi = createClient({
  url,
  auth: { user, password: process.env.XAPI_PASSWORD },
  allowUnauthorized: true,
  readOnly: true,
})
try {
  await within(xapi.connect(), 'connect')
  await within(xapi.objectsFetched, 'the first fetch of every object')
  const cached = Object.values(xapi.objects.all).filter(o => o.$type === 'VM').length
  const records = await within(xapi.call('VM.get_all_records'), 'VM.get_all_records')
  console.log(JSON.stringify({ cached, records: Object.keys(records).length }))
  await within(xapi.disconnect(), 'disconnect')
  process.exit(0)
} catch (error) {
  console.error(`FAIL ${error?.stack ?? error}`)
  process.exit(1)
}
