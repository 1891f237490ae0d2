import type { FeedTokenResponse } from '@mqdash/contracts';
import { api } from '../../../lib/api-client';

/**
 * `POST /bff/feed-token`: a short-lived password for the admin feed's MQTT connection (DESIGN §5).
 * A POST, so the API client adds the CSRF header; a 401 ends the sign-in as everywhere else.
 */
export const getFeedToken = (): Promise<FeedTokenResponse> => api.post<FeedTokenResponse>('/bff/feed-token');
