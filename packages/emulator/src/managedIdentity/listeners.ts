// The managed-identity listeners: plain HTTP on 127.0.0.1 for IMDS, App Service, Arc, ML and
// Cloud Shell (msal-node rewrites Arc's "localhost" to 127.0.0.1, so IPv4 it is), and HTTPS for
// Service Fabric with a certificate of its own that no CA signed, so that a client must pin
// IDENTITY_SERVER_THUMBPRINT (or trust the certificate) to reach it.
import { X509Certificate } from "node:crypto";
import * as http from "node:http";
import * as https from "node:https";
import type { Socket } from "node:net";
import { createRequestListener, type PipelineState } from "../http/requestPipeline.js";
import { listen, trackSockets } from "../net/listen.js";
import { createSelfSignedServerCertificate } from "../tls/certificates.js";
import type { ManagedIdentityContext } from "./context.js";
import { routeManagedIdentityRequest, routeServiceFabricRequest } from "./router.js";
import { SERVICE_FABRIC_TOKEN_PATH } from "./serviceFabric.js";

const HOST = "127.0.0.1";

export interface ManagedIdentityListeners {
  servers: http.Server[];
  httpUrl: string;
  serviceFabricUrl: string;
  serviceFabricThumbprint: string;
  serviceFabricCertPem: string;
}

export async function startManagedIdentityListeners(
  context: ManagedIdentityContext,
  pipeline: Omit<PipelineState, "route" | "control">,
  sockets: Set<Socket>,
): Promise<ManagedIdentityListeners> {
  const certificate = createSelfSignedServerCertificate([HOST, "localhost", "::1"]);
  const plain = http.createServer();
  const serviceFabric = https.createServer({ key: certificate.keyPem, cert: certificate.certPem });
  plain.on("request", createRequestListener({ ...pipeline, route: (request) => routeManagedIdentityRequest(context, request) }));
  serviceFabric.on("request", createRequestListener({ ...pipeline, route: (request) => routeServiceFabricRequest(context, request) }));
  const servers = [plain, serviceFabric];
  for (const server of servers) trackSockets(server, sockets);
  try {
    const [plainPort, serviceFabricPort] = await Promise.all([listen(plain, 0, HOST), listen(serviceFabric, 0, HOST)]);
    return {
      servers,
      httpUrl: `http://${HOST}:${plainPort}`,
      serviceFabricUrl: `https://${HOST}:${serviceFabricPort}${SERVICE_FABRIC_TOKEN_PATH}`,
      serviceFabricThumbprint: new X509Certificate(certificate.certPem).fingerprint.replace(/:/g, "").toUpperCase(),
      serviceFabricCertPem: certificate.certPem,
    };
  } catch (error) {
    for (const server of servers) server.close();
    throw error;
  }
}
