// A promise, or a rejection naming what did not answer within ms.
export const within = (promise, what, ms) =>
  Promise.race([
    promise,
    new Promise((resolve, reject) =>
      setTimeout(() => reject(new Error(`${what}: no answer in ${ms} ms`)), ms).unref()
    ),
  ])
