/** Query keys of the MQTT client accounts feature (STYLE #8): one root, so a change refreshes the list and the settings' counts together. */
export const mqttUserKeys = {
  all: ['mqtt-users'] as const,
  list: () => [...mqttUserKeys.all, 'list'] as const,
  settings: () => [...mqttUserKeys.all, 'settings'] as const,
};

/** `/bff/mqtt-users/<username>`: a user name may hold "/" or spaces, so it is percent-encoded. */
export const mqttUserPath = (username: string): string => `/bff/mqtt-users/${encodeURIComponent(username)}`;
