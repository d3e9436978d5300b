"""Debian's Python azure-identity (msal inside) against the azid emulator, run by python.test.ts.

Configured the way a user points it at a private authority: AZURE_AUTHORITY_HOST, the CA bundle in
REQUESTS_CA_BUNDLE, and instance_discovery=False (msal-python would otherwise ask
login.microsoftonline.com about an unknown host). Managed identity finds its host from the
environment exactly as on Azure. Prints one JSON line; a device code is printed on a line of its
own first, for the test to approve. The tokens printed are test tokens from a local emulator.
"""
import json
import os
import sys

import msal
from azure.identity import (
    CertificateCredential,
    ClientSecretCredential,
    DeviceCodeCredential,
    EnvironmentCredential,
    ManagedIdentityCredential,
    UsernamePasswordCredential,
)
from azure.identity._version import VERSION

SCOPE = os.environ.get("AZID_TEST_SCOPE", "https://storage.azure.com/.default")
COMMON = {"instance_discovery": False}


def announce_device_code(verification_uri, user_code, expires_on):
    print(json.dumps({"verification_uri": verification_uri, "user_code": user_code}), flush=True)


def credential_for(scenario):
    env = os.environ
    if scenario == "secret":
        return ClientSecretCredential(env["AZURE_TENANT_ID"], env["AZURE_CLIENT_ID"], env["AZURE_CLIENT_SECRET"], **COMMON)
    if scenario == "certificate":
        return CertificateCredential(env["AZURE_TENANT_ID"], env["AZURE_CLIENT_ID"], env["AZID_TEST_CERTIFICATE_PATH"], **COMMON)
    if scenario == "environment":
        return EnvironmentCredential(**COMMON)
    if scenario == "managed_identity":
        client_id = env.get("AZID_TEST_MI_CLIENT_ID")
        return ManagedIdentityCredential(client_id=client_id) if client_id else ManagedIdentityCredential()
    if scenario == "device_code":
        return DeviceCodeCredential(
            client_id=env["AZID_TEST_PUBLIC_CLIENT_ID"], tenant_id=env["AZURE_TENANT_ID"], prompt_callback=announce_device_code, timeout=60, **COMMON
        )
    if scenario == "username_password":
        return UsernamePasswordCredential(
            env["AZID_TEST_PUBLIC_CLIENT_ID"], env["AZID_TEST_USERNAME"], env["AZID_TEST_PASSWORD"], tenant_id=env["AZURE_TENANT_ID"], **COMMON
        )
    raise SystemExit("unknown scenario " + scenario)


def main():
    scenario = sys.argv[1]
    if scenario == "versions":
        print(json.dumps({"azure_identity": VERSION, "msal": msal.__version__, "python": sys.version.split()[0]}))
        return
    try:
        credential = credential_for(scenario)
        token = credential.get_token(SCOPE)
        again = credential.get_token(SCOPE)
        print(json.dumps({"token": token.token, "expires_on": token.expires_on, "cached": again.token == token.token, "credential": type(credential).__name__}))
    except Exception as error:  # the test asserts on the type and message
        print(json.dumps({"error": {"type": type(error).__name__, "message": str(error)}}))


main()
