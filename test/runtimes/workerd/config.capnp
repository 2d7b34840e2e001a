# The serverless example (examples/serverless) under workerd, the runtime of Cloudflare
# Workers, driven by a second worker through a service binding. Run by
# test/runtimes/runtimes.test.ts as `workerd test`, from the copy in .tmp/runtime-build/workerd
# where the example is bundled next to it. No compatibility flags: no Node APIs.
using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "serverless-example", worker = .example),
    (name = "tester", worker = .tester),
  ],
);

const example :Workerd.Worker = (
  modules = [(name = "serverless-example.js", esModule = embed "serverless-example.js")],
  compatibilityDate = "2025-09-01",
);

const tester :Workerd.Worker = (
  modules = [(name = "serverless-example.test.js", esModule = embed "serverless-example.test.js")],
  compatibilityDate = "2025-09-01",
  bindings = [(name = "example", service = "serverless-example")],
);
