// Imports an XVA the way xo-server's VM import does (@xen-orchestra/xapi's VM_import):
// xen-api's putResource of a stream of unknown length to /import/ with sr_id, so the
// client probes for a redirect with an empty body first, then sends the stream under a
// 1 PiB Content-Length and cuts the connection once it is sent; the task it watches
// through the event stream brings the new VM's ref.
//
// usage: node import.mjs URL USER FILE SR   (the password in XAPI_PASSWORD)
// Prints "PASS VM_REF" and exits 0, or prints the error and exits 1.
import { createReadStream } from 'node:fs'
import { createClient } from 'xen-api'

const [url, user, file, sr] = process.argv.slice(2)
const xapi = createClient({
  url,
  auth: { user, password: process.env.XAPI_PASSWORD },
  allowUnauthorized: true,
  readOnly: false,
})
console.warn = () => {} // the hack's "missing length" notice

try {
  await xapi.connect()
  const task = await xapi.createTask('VM import')
  const result = await xapi.putResource(createReadStream(file), '/import/', { query: { sr_id: sr }, task })
  const [ref] = result
  if (!/^OpaqueRef:[0-9a-f-]{36}$/.test(ref)) throw new Error(`not a VM ref: ${JSON.stringify(result)}`)
  const vm = await xapi.getRecord('VM', ref)
  console.log(`PASS ${ref} ${vm.name_label}`)
  await xapi.disconnect()
  process.exit(0)
} catch (error) {
  console.log(`FAIL ${error?.code ?? ''} ${JSON.stringify(error?.params ?? [])} ${error?.stack ?? error}`)
  process.exit(1)
}
