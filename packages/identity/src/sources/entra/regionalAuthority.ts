// Regional authorities (ESTS-R) for the confidential-client credentials, as @azure/identity and MSAL
// have them: the `regionalAuthority` option or AZURE_REGIONAL_AUTHORITY_NAME names an Azure region, and
// token requests go to that region's token service instead of the global one:
//   public cloud (login.microsoftonline.com and its aliases) -> https://<region>.login.microsoft.com
//   any other host                                            -> https://<region>.<host>
// `RegionalAuthority.AutoDiscoverRegion` asks where this VM runs: REGION_NAME (as MSAL), then IMDS's
// compute/location endpoint. Discovery never delays a token: until it answers (and if it fails) requests
// go to the global authority, then later requests go to the region.
import type { HttpContext } from "../../core/http/context.js";
import type { CredentialLogger } from "../../core/logger.js";

/** Azure regions usable as a regional authority, named and valued as in @azure/identity. */
export enum RegionalAuthority {
  /** Find the region this process runs in (REGION_NAME, then IMDS); the global authority until it is known. */
  AutoDiscoverRegion = "AutoDiscoverRegion",
  /** The westus region. */
  USWest = "westus",
  /** The westus2 region. */
  USWest2 = "westus2",
  /** The centralus region. */
  USCentral = "centralus",
  /** The eastus region. */
  USEast = "eastus",
  /** The eastus2 region. */
  USEast2 = "eastus2",
  /** The northcentralus region. */
  USNorthCentral = "northcentralus",
  /** The southcentralus region. */
  USSouthCentral = "southcentralus",
  /** The westcentralus region. */
  USWestCentral = "westcentralus",
  /** The canadacentral region. */
  CanadaCentral = "canadacentral",
  /** The canadaeast region. */
  CanadaEast = "canadaeast",
  /** The brazilsouth region. */
  BrazilSouth = "brazilsouth",
  /** The northeurope region. */
  EuropeNorth = "northeurope",
  /** The westeurope region. */
  EuropeWest = "westeurope",
  /** The uksouth region. */
  UKSouth = "uksouth",
  /** The ukwest region. */
  UKWest = "ukwest",
  /** The francecentral region. */
  FranceCentral = "francecentral",
  /** The francesouth region. */
  FranceSouth = "francesouth",
  /** The switzerlandnorth region. */
  SwitzerlandNorth = "switzerlandnorth",
  /** The switzerlandwest region. */
  SwitzerlandWest = "switzerlandwest",
  /** The germanynorth region. */
  GermanyNorth = "germanynorth",
  /** The germanywestcentral region. */
  GermanyWestCentral = "germanywestcentral",
  /** The norwaywest region. */
  NorwayWest = "norwaywest",
  /** The norwayeast region. */
  NorwayEast = "norwayeast",
  /** The eastasia region. */
  AsiaEast = "eastasia",
  /** The southeastasia region. */
  AsiaSouthEast = "southeastasia",
  /** The japaneast region. */
  JapanEast = "japaneast",
  /** The japanwest region. */
  JapanWest = "japanwest",
  /** The australiaeast region. */
  AustraliaEast = "australiaeast",
  /** The australiasoutheast region. */
  AustraliaSouthEast = "australiasoutheast",
  /** The australiacentral region. */
  AustraliaCentral = "australiacentral",
  /** The australiacentral2 region. */
  AustraliaCentral2 = "australiacentral2",
  /** The centralindia region. */
  IndiaCentral = "centralindia",
  /** The southindia region. */
  IndiaSouth = "southindia",
  /** The westindia region. */
  IndiaWest = "westindia",
  /** The koreasouth region. */
  KoreaSouth = "koreasouth",
  /** The koreacentral region. */
  KoreaCentral = "koreacentral",
  /** The uaecentral region. */
  UAECentral = "uaecentral",
  /** The uaenorth region. */
  UAENorth = "uaenorth",
  /** The southafricanorth region. */
  SouthAfricaNorth = "southafricanorth",
  /** The southafricawest region. */
  SouthAfricaWest = "southafricawest",
  /** The chinanorth region. */
  ChinaNorth = "chinanorth",
  /** The chinaeast region. */
  ChinaEast = "chinaeast",
  /** The chinanorth2 region. */
  ChinaNorth2 = "chinanorth2",
  /** The chinaeast2 region. */
  ChinaEast2 = "chinaeast2",
  /** The germanycentral region. */
  GermanyCentral = "germanycentral",
  /** The germanynortheast region. */
  GermanyNorthEast = "germanynortheast",
  /** The usgovvirginia region. */
  GovernmentUSVirginia = "usgovvirginia",
  /** The usgoviowa region. */
  GovernmentUSIowa = "usgoviowa",
  /** The usgovarizona region. */
  GovernmentUSArizona = "usgovarizona",
  /** The usgovtexas region. */
  GovernmentUSTexas = "usgovtexas",
  /** The usdodeast region. */
  GovernmentUSDodEast = "usdodeast",
  /** The usdodcentral region. */
  GovernmentUSDodCentral = "usdodcentral",
}

const PUBLIC_CLOUD_HOSTS = ["login.microsoftonline.com", "login.windows.net", "login.microsoft.com", "sts.windows.net"];
const REGION_PATTERN = /^[a-z][a-z0-9]{1,40}$/;
const DEFAULT_IMDS = "http://169.254.169.254";
/** IMDS answers in milliseconds on a VM; elsewhere nothing answers, so give up quickly. */
const DISCOVERY_TIMEOUT_MS = 2_000;

/** The option if given, else AZURE_REGIONAL_AUTHORITY_NAME; a region name is checked, so a typo fails at construction. */
export function resolveRegionalAuthority(credentialName: string, fromOptions: string | undefined): string | undefined {
  const value = fromOptions ?? (process.env.AZURE_REGIONAL_AUTHORITY_NAME?.trim() || undefined);
  if (value === undefined || value === RegionalAuthority.AutoDiscoverRegion) return value;
  if (typeof value !== "string" || !REGION_PATTERN.test(value.toLowerCase())) {
    throw new RangeError(
      `${credentialName}: regionalAuthority must be an Azure region name such as "westus2" or RegionalAuthority.AutoDiscoverRegion (received ${JSON.stringify(value)}${fromOptions === undefined ? " from AZURE_REGIONAL_AUTHORITY_NAME" : ""}).`,
    );
  }
  return value.toLowerCase();
}

/** The token endpoint `endpoint` (on the global authority) moved to `region`'s token service. */
export function regionalTokenEndpoint(endpoint: string, region: string): string {
  const url = new URL(endpoint);
  url.hostname = PUBLIC_CLOUD_HOSTS.includes(url.hostname.toLowerCase()) ? `${region}.login.microsoft.com` : `${region}.${url.hostname}`;
  return url.toString();
}

/** Where the IMDS region endpoint is: AZURE_POD_IDENTITY_AUTHORITY_HOST (as managed identity), else IMDS's fixed address. */
function imdsBase(): string {
  return (process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST?.trim() || DEFAULT_IMDS).replace(/\/+$/, "");
}

/** Asks IMDS for the region, once per process. Resolves undefined when it does not know. */
let discovery: Promise<string | undefined> | undefined;
function discoverRegion(http: HttpContext, logger: CredentialLogger): Promise<string | undefined> {
  discovery ??= http.client
    .sendRequest({
      method: "GET",
      url: `${imdsBase()}/metadata/instance/compute/location?format=text&api-version=2021-02-01`,
      headers: { metadata: "true", "user-agent": http.userAgent },
      timeoutMs: DISCOVERY_TIMEOUT_MS,
    })
    .then(
      (response) => {
        const region = response.bodyText.trim().toLowerCase();
        if (response.status === 200 && REGION_PATTERN.test(region)) return region;
        logger.warning(`regional authority: IMDS answered ${response.status} without a region; using the global authority.`);
        return undefined;
      },
      (error: unknown) => {
        logger.info(`regional authority: no region from IMDS (${error instanceof Error ? error.message : String(error)}); using the global authority.`);
        return undefined;
      },
    );
  return discovery;
}

/** REGION_NAME, where the platform names the region (as MSAL reads it): known at once, no request. */
function regionFromEnvironment(): string | undefined {
  const fromEnv = process.env.REGION_NAME?.trim().toLowerCase();
  return fromEnv && REGION_PATTERN.test(fromEnv) ? fromEnv : undefined;
}

/** Forgets a discovered region (tests). */
export function clearRegionDiscovery(): void {
  discovery = undefined;
}

/**
 * Rewrites token endpoints to the configured region. For AutoDiscoverRegion, REGION_NAME applies from the
 * first request; otherwise IMDS is asked on the first request and the global endpoint is used until it answers.
 */
export function regionalEndpointRewriter(region: string, http: HttpContext, logger: CredentialLogger): (endpoint: string) => string {
  if (region !== RegionalAuthority.AutoDiscoverRegion) return (endpoint) => regionalTokenEndpoint(endpoint, region);
  let known: string | undefined;
  let started = false;
  return (endpoint) => {
    if (!started) {
      started = true;
      known = regionFromEnvironment();
      if (known === undefined)
        void discoverRegion(http, logger).then((found) => {
          known = found;
          if (found !== undefined) logger.info(`regional authority: discovered region ${found}; later token requests go to it.`);
        });
    }
    return known === undefined ? endpoint : regionalTokenEndpoint(endpoint, known);
  };
}

/** The confidential-client credentials' `regionalAuthority` option (an azid extension; @azure/identity reads only the variable). */
export interface RegionalAuthorityOptions {
  /** A region (e.g. `RegionalAuthority.USWest2` or "westus2") or `RegionalAuthority.AutoDiscoverRegion`; default AZURE_REGIONAL_AUTHORITY_NAME. */
  regionalAuthority?: RegionalAuthority | string;
}
