/** Version of the plugin SDK contract. Plugins declare the semver range they need in `manifest.sdk`. */
export const SDK_VERSION = "0.1.0";
