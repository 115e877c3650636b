/** A plain HTTP server on 127.0.0.1 for the download tests: serves what a test gives it, or never answers. Tests close it. */
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export type Route = { readonly body: Buffer } | { readonly redirect: string } | { readonly status: number } | "no answer";

export interface LocalServer {
  /** http://127.0.0.1:<port> */
  readonly origin: string;
  /** Paths requested, in order. */
  readonly requests: string[];
  close(): Promise<void>;
}

export async function startLocalServer(routes: Readonly<Record<string, Route>>): Promise<LocalServer> {
  const requests: string[] = [];
  const hanging = new Set<http.ServerResponse>();
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? "");
    const route = routes[req.url ?? ""];
    if (route === undefined) {
      res.writeHead(404).end("not found");
    } else if (route === "no answer") {
      hanging.add(res); // neither headers nor body: the client's timeout must end it
    } else if ("body" in route) {
      res.writeHead(200, { "content-type": "text/csv", "content-length": route.body.length }).end(route.body);
    } else if ("redirect" in route) {
      res.writeHead(302, { location: route.redirect }).end();
    } else {
      res.writeHead(route.status).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
