export { type ChannelModel, connectAmqp } from './connection.ts';
