// Azure DevOps REST errors: JSON with `$id`, `message`, `typeName`, `typeKey`, `errorCode` and
// `eventId` - except authentication failures, which are an HTML page (see oidc.ts).
import { jsonResponse, type HttpResponse } from "../http/response.js";

export function azureDevOpsError(status: number, typeKey: string, message: string): HttpResponse {
  return jsonResponse(status, {
    $id: "1",
    innerException: null,
    message,
    typeName: `Microsoft.TeamFoundation.DistributedTask.WebApi.${typeKey}, Microsoft.TeamFoundation.DistributedTask.WebApi`,
    typeKey,
    errorCode: 0,
    eventId: 3000,
  });
}

/** What Azure DevOps sends for a missing or invalid bearer token when asked not to redirect. */
export function azureDevOpsUnauthorized(): HttpResponse {
  return {
    status: 401,
    headers: {
      "content-type": "text/html; charset=utf-8",
      "www-authenticate": "Bearer authorization_uri=https://login.microsoftonline.com/common",
      "x-tfs-processid": "00000000-0000-0000-0000-000000000000",
    },
    body: "<!DOCTYPE html><html><head><title>Access denied</title></head><body><h1>401 - Unauthorized: Access is denied due to invalid credentials.</h1><p>You do not have permission to view this directory or page using the credentials that you supplied.</p></body></html>",
  };
}
