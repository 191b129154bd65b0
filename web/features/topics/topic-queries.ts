import { queryOptions, useQuery } from '@tanstack/react-query';
import type { BrokerLink } from '../../../shared/admin/broker-link.ts';
import { useBrokerLink } from '../../app/broker-link-context.tsx';
import { useFallbackInterval } from '../../app/live-status.ts';

export const topicKeys = {
  all: ['topics'] as const,
  list: () => [...topicKeys.all, 'list'] as const,
  messages: (topic: string) => [...topicKeys.all, 'messages', topic] as const,
};

export const topicListQuery = (link: BrokerLink) =>
  queryOptions({ queryKey: topicKeys.list(), queryFn: () => link.topics() });

export function useTopics() {
  const link = useBrokerLink();
  return useQuery({ ...topicListQuery(link), refetchInterval: useFallbackInterval() });
}

export function useTopicMessages(topic: string | undefined) {
  const link = useBrokerLink();
  return useQuery({
    queryKey: topicKeys.messages(topic ?? ''),
    queryFn: () => link.topicMessages(topic ?? ''),
    enabled: topic !== undefined,
    refetchInterval: useFallbackInterval(),
  });
}
