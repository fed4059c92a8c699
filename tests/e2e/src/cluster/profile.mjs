/** The profile the clustered tests run on (tools/stack/profiles.json). */
export const CLUSTER_PROFILE = 'cluster-test';
