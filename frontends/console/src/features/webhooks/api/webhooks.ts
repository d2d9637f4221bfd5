/** A tenant's webhook endpoints and their delivery log (plan feature `webhooks`). */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";

import { api, unwrap, type ResponseBody, type Schemas } from "../../../shared/api";

export type Endpoint = ResponseBody<"/v1/tenants/{tenant}/webhooks", "get">[number];
export type EndpointWithSecret = ResponseBody<"/v1/tenants/{tenant}/webhooks", "post">;
export type Delivery = ResponseBody<"/v1/tenants/{tenant}/webhooks/{endpoint_id}/deliveries", "get">["items"][number];
export type DeliveryDetail = ResponseBody<"/v1/tenants/{tenant}/webhooks/{endpoint_id}/deliveries/{delivery_id}", "get">;
export type EventTypeName = Schemas["EndpointCreate"]["event_types"][number];
export type EndpointFields = { url: string; description: string; event_types: EventTypeName[] };

/** What an endpoint may subscribe to: the event types of the API's `webhooks` section. */
export const EVENT_TYPES: readonly EventTypeName[] = [
  "post.published",
  "post.updated",
  "post.unpublished",
  "post.deleted",
  "comment.created",
  "comment.held",
  "comment.approved",
  "comment.rejected",
  "comment.reported",
  "rating.changed",
  "member.joined",
  "member.role_changed",
  "member.removed",
  "subscription.changed",
  "tenant.suspended",
];

const key = (tenant: string) => ["webhooks", tenant];

export function useEndpoints(tenant: string) {
  return useQuery({
    queryKey: key(tenant),
    queryFn: () => unwrap(api.GET("/v1/tenants/{tenant}/webhooks", { params: { path: { tenant } } })),
  });
}

export function useCreateEndpoint(tenant: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: EndpointFields) =>
      unwrap(api.POST("/v1/tenants/{tenant}/webhooks", { params: { path: { tenant } }, body: { ...body, enabled: true } })),
    onSuccess: () => client.invalidateQueries({ queryKey: key(tenant) }),
  });
}

export function useUpdateEndpoint(tenant: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ id, ...body }: Partial<EndpointFields> & { id: string; enabled?: boolean }) =>
      unwrap(api.PATCH("/v1/tenants/{tenant}/webhooks/{endpoint_id}", { params: { path: { tenant, endpoint_id: id } }, body })),
    onSuccess: () => client.invalidateQueries({ queryKey: key(tenant) }),
  });
}

export function useDeleteEndpoint(tenant: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      unwrap(api.DELETE("/v1/tenants/{tenant}/webhooks/{endpoint_id}", { params: { path: { tenant, endpoint_id: id } } })),
    onSettled: () => client.invalidateQueries({ queryKey: key(tenant) }),
  });
}

export function useRotateSecret(tenant: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) =>
      unwrap(api.POST("/v1/tenants/{tenant}/webhooks/{endpoint_id}/rotate-secret", { params: { path: { tenant, endpoint_id: id } } })),
    onSuccess: () => client.invalidateQueries({ queryKey: key(tenant) }),
  });
}

export function useDeliveries(tenant: string, endpointId: string | null) {
  return useQuery({
    queryKey: [...key(tenant), endpointId, "deliveries"],
    enabled: endpointId !== null,
    queryFn: () =>
      unwrap(
        api.GET("/v1/tenants/{tenant}/webhooks/{endpoint_id}/deliveries", {
          params: { path: { tenant, endpoint_id: endpointId ?? "" }, query: { limit: 50 } },
        }),
      ),
  });
}

export function useDelivery(tenant: string, endpointId: string | null, deliveryId: string | null) {
  return useQuery({
    queryKey: [...key(tenant), endpointId, "deliveries", deliveryId],
    enabled: endpointId !== null && deliveryId !== null,
    queryFn: () =>
      unwrap(
        api.GET("/v1/tenants/{tenant}/webhooks/{endpoint_id}/deliveries/{delivery_id}", {
          params: { path: { tenant, endpoint_id: endpointId ?? "", delivery_id: deliveryId ?? "" } },
        }),
      ),
  });
}

export function useResend(tenant: string, endpointId: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (deliveryId: string) =>
      unwrap(
        api.POST("/v1/tenants/{tenant}/webhooks/{endpoint_id}/deliveries/{delivery_id}/resend", {
          params: { path: { tenant, endpoint_id: endpointId, delivery_id: deliveryId } },
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: [...key(tenant), endpointId, "deliveries"] }),
  });
}

export function useSendTest(tenant: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (endpointId: string) =>
      unwrap(api.POST("/v1/tenants/{tenant}/webhooks/{endpoint_id}/test", { params: { path: { tenant, endpoint_id: endpointId } } })),
    onSuccess: (_, endpointId) => client.invalidateQueries({ queryKey: [...key(tenant), endpointId, "deliveries"] }),
  });
}
