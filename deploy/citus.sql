-- Distributing Causerie over a Citus cluster, tenant by tenant.
--
-- Run once on the coordinator, as the owner role, after `causerie migrate` has built the
-- schema there (the workers need the citus extension and the same roles):
--
--     psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -f deploy/citus.sql
--
-- Every tenant-owned table is distributed by tenant_id and colocated with the others,
-- so a tenant's rows of every table sit on one shard group and each request's queries
-- (all scoped by tenant_id) go to one worker. That holds because every primary key,
-- unique key and foreign key between tenant tables includes tenant_id (migration 0022;
-- tests/test_citus_keys.py fails when a table breaks the rule or is missing here).
--
-- The platform's tables, which belong to no tenant and which tenant tables point at,
-- are reference tables (a copy on every worker). The job queue and the migration
-- bookkeeping stay local to the coordinator.
--
-- Look-ups that happen before the tenant is known (find_api_key, resolve_tenant_host,
-- tenant_host_taken, idempotency_key_elsewhere, the worker's sweeps) are SECURITY
-- DEFINER functions; on Citus they are multi-shard reads, each by an indexed column.
-- The insights' triggers write rows of the same tenant, so they stay on one shard;
-- Citus runs triggers on distributed tables with citus.enable_unsafe_triggers on.

\set ON_ERROR_STOP on

CREATE EXTENSION IF NOT EXISTS citus;
SET citus.enable_unsafe_triggers = on;

BEGIN;

-- reference tables
SELECT create_reference_table('tenants');
SELECT create_reference_table('users');
SELECT create_reference_table('plans');
SELECT create_reference_table('refresh_tokens');
SELECT create_reference_table('platform_api_keys');
SELECT create_reference_table('account_tokens');

-- distributed tables (referenced tables before the tables that point at them)
SELECT create_distributed_table('blogs', 'tenant_id');
SELECT create_distributed_table('posts', 'tenant_id', colocate_with => 'blogs');
SELECT create_distributed_table('comments', 'tenant_id', colocate_with => 'blogs');
SELECT create_distributed_table('webhook_endpoints', 'tenant_id', colocate_with => 'blogs');
SELECT create_distributed_table('ambassadors', 'tenant_id', colocate_with => 'blogs');
SELECT create_distributed_table('api_keys', 'tenant_id', colocate_with => 'blogs');
SELECT create_distributed_table('audit_log', 'tenant_id', colocate_with => 'blogs');
SELECT create_distributed_table('blog_authors', 'tenant_id', colocate_with => 'blogs');
SELECT create_distributed_table('briefs', 'tenant_id', colocate_with => 'blogs');
SELECT create_distributed_table('comment_reports', 'tenant_id', colocate_with => 'blogs');
SELECT create_distributed_table('commenter_standings', 'tenant_id', colocate_with => 'blogs');
SELECT create_distributed_table('idempotency_keys', 'tenant_id', colocate_with => 'blogs');
SELECT create_distributed_table('insight_author_days', 'tenant_id', colocate_with => 'blogs');
SELECT create_distributed_table('insight_author_hours', 'tenant_id', colocate_with => 'blogs');
SELECT create_distributed_table('insight_blog_days', 'tenant_id', colocate_with => 'blogs');
SELECT create_distributed_table('insight_blog_hours', 'tenant_id', colocate_with => 'blogs');
SELECT create_distributed_table('insight_people', 'tenant_id', colocate_with => 'blogs');
SELECT create_distributed_table('insight_people_days', 'tenant_id', colocate_with => 'blogs');
SELECT create_distributed_table('insight_person_days', 'tenant_id', colocate_with => 'blogs');
SELECT create_distributed_table('insight_post_blocks', 'tenant_id', colocate_with => 'blogs');
SELECT create_distributed_table('insight_post_days', 'tenant_id', colocate_with => 'blogs');
SELECT create_distributed_table('insight_post_hours', 'tenant_id', colocate_with => 'blogs');
SELECT create_distributed_table('insight_post_weeks', 'tenant_id', colocate_with => 'blogs');
SELECT create_distributed_table('insight_presence', 'tenant_id', colocate_with => 'blogs');
SELECT create_distributed_table('insight_tenant_hours', 'tenant_id', colocate_with => 'blogs');
SELECT create_distributed_table('insight_topic_days', 'tenant_id', colocate_with => 'blogs');
SELECT create_distributed_table('invitations', 'tenant_id', colocate_with => 'blogs');
SELECT create_distributed_table('memberships', 'tenant_id', colocate_with => 'blogs');
SELECT create_distributed_table('outbox', 'tenant_id', colocate_with => 'blogs');
SELECT create_distributed_table('post_read_visitors', 'tenant_id', colocate_with => 'blogs');
SELECT create_distributed_table('post_revisions', 'tenant_id', colocate_with => 'blogs');
SELECT create_distributed_table('post_slugs', 'tenant_id', colocate_with => 'blogs');
SELECT create_distributed_table('public_post_counts', 'tenant_id', colocate_with => 'blogs');
SELECT create_distributed_table('ratings', 'tenant_id', colocate_with => 'blogs');
SELECT create_distributed_table('subscription_events', 'tenant_id', colocate_with => 'blogs');
SELECT create_distributed_table('subscriptions', 'tenant_id', colocate_with => 'blogs');
SELECT create_distributed_table('tags', 'tenant_id', colocate_with => 'blogs');
SELECT create_distributed_table('tenant_domains', 'tenant_id', colocate_with => 'blogs');
SELECT create_distributed_table('tenant_exports', 'tenant_id', colocate_with => 'blogs');
SELECT create_distributed_table('imports', 'tenant_id', colocate_with => 'blogs');
SELECT create_distributed_table('import_keys', 'tenant_id', colocate_with => 'blogs');
SELECT create_distributed_table('redirects', 'tenant_id', colocate_with => 'blogs');
SELECT create_distributed_table('mail_messages', 'tenant_id', colocate_with => 'blogs');
SELECT create_distributed_table('notification_preferences', 'tenant_id', colocate_with => 'blogs');
SELECT create_distributed_table('email_changes', 'tenant_id', colocate_with => 'blogs');
SELECT create_distributed_table('reply_overflow', 'tenant_id', colocate_with => 'blogs');
SELECT create_distributed_table('webhook_deliveries', 'tenant_id', colocate_with => 'blogs');
SELECT create_distributed_table('federation_keys', 'tenant_id', colocate_with => 'blogs');
SELECT create_distributed_table('federation_inboxes', 'tenant_id', colocate_with => 'blogs');
SELECT create_distributed_table('federation_followers', 'tenant_id', colocate_with => 'blogs');
SELECT create_distributed_table('federation_reactions', 'tenant_id', colocate_with => 'blogs');
SELECT create_distributed_table('federation_deliveries', 'tenant_id', colocate_with => 'blogs');
SELECT create_distributed_table('federation_domain_blocks', 'tenant_id', colocate_with => 'blogs');
SELECT create_distributed_table('webmentions', 'tenant_id', colocate_with => 'blogs');
SELECT create_distributed_table('web_pings', 'tenant_id', colocate_with => 'blogs');

-- local to the coordinator: alembic_version, jobs.pgqueuer, jobs.pgqueuer_log,
-- jobs.pgqueuer_schedules, jobs.pgqueuer_statistics

COMMIT;
